// `mvn install` puts the image bundle (main artifact, type skiff, extension tar), the disk image
// (classifier disk) and the SBOM (classifier sbom) into the local repository, byte for byte.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD SUCCESS')
assert log =~ /--- install:\S+:install \(default-install\) @ install-artifacts ---/

def dir = new File(localRepositoryPath, 'dev/skiff/it/install-artifacts/1.0')
assert dir.isDirectory() : "${dir} does not exist"
def bundle = new File(dir, 'install-artifacts-1.0.tar')
def disk = new File(dir, 'install-artifacts-1.0-disk.img')
def sbom = new File(dir, 'install-artifacts-1.0-sbom.json')
def pom = new File(dir, 'install-artifacts-1.0.pom')
for (f in [bundle, disk, sbom, pom]) assert f.isFile() : "${f.name} was not installed; ${dir} has ${dir.list()}"

assert bundle.bytes == new File(basedir, 'target/install-artifacts-1.0.tar').bytes
assert disk.bytes == new File(basedir, 'workspaces/default/images/disk.img').bytes
assert disk.length() == 1024 * 1024
assert sbom.bytes == new File(basedir, 'target/install-artifacts-1.0-sbom.json').bytes
assert new JsonSlurper().parse(sbom, 'UTF-8').bomFormat == 'CycloneDX'
assert pom.getText('UTF-8').contains('<packaging>skiff</packaging>')
// Every installed file is one of ours: nothing stray, nothing under another classifier.
def names = (dir.list() as List).findAll { !it.startsWith('_') && !it.startsWith('maven-metadata') }
assert names.sort() == ['install-artifacts-1.0-disk.img', 'install-artifacts-1.0-sbom.json',
                        'install-artifacts-1.0.pom', 'install-artifacts-1.0.tar'] : names
return true
