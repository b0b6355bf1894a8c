// One POM, two boards: the lifecycle's executions build workspace default (chain acme/app) and
// attach the main artifact; execution board2 builds workspace board2 (chain acme/board2) and
// attaches under classifier board2. `mvn install` puts all of them in the local repository.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines()
assert log.contains('BUILD SUCCESS')

def executions = lines.collect { (it =~ /--- skiff:\S+:(\S+) \((\S+)\) @ two-workspaces ---/) }
        .findAll { it.find() }.collect { "${it.group(1)} (${it.group(2)})".toString() }
assert executions == ['validate (default-validate)', 'buildroot (default-buildroot)',
                      'configure (default-configure)', 'configure (board2)',
                      'compile (default-compile)', 'compile (board2)',
                      'package (default-package)', 'package (board2)'] : executions

// Each workspace has its own chain, configuration and images.
def wsA = new File(basedir, 'workspaces/default')
def wsB = new File(basedir, 'workspaces/board2')
assert new File(wsA, 'skiff/skiff_config').getText('UTF-8').trim() == 'acme/app'
assert new File(wsB, 'skiff/skiff_config').getText('UTF-8').trim() == 'acme/board2'
def configA = new File(wsA, '.config').readLines('UTF-8')
def configB = new File(wsB, '.config').readLines('UTF-8')
assert configA.contains('BR2_PACKAGE_HTOP=y') && !configA.contains('BR2_PACKAGE_NANO=y')
assert configB.contains('BR2_PACKAGE_NANO=y') && !configB.contains('BR2_PACKAGE_HTOP=y')
for (ws in [wsA, wsB]) {
    assert new File(ws, 'images/rootfs.cpio.gz').isFile() : "${ws} was not built"
    assert new File(ws, 'build.log').getText('UTF-8').contains('>>>   Finalizing target directory')
}
assert new File(wsA, 'images/disk.img').isFile()
assert !new File(wsB, 'images/disk.img').exists()
assert lines.any { it.contains('Building workspace default ') }
assert lines.any { it.contains('Building workspace board2 ') }

// The local repository (the invoker's) has both boards under their classifiers.
def dir = new File(localRepositoryPath, 'dev/skiff/it/two-workspaces/1.0')
def installed = dir.list() as Set
def expected = ['two-workspaces-1.0.pom', 'two-workspaces-1.0.tar', 'two-workspaces-1.0-disk.img',
                'two-workspaces-1.0-sbom.json', 'two-workspaces-1.0-board2.tar',
                'two-workspaces-1.0-board2-sbom.json']
assert installed.containsAll(expected) : "missing in ${dir}: ${expected - installed}"
// Board B has no disk image, so nothing is attached for it; no artifact is installed twice.
assert !installed.any { it.contains('board2-disk') } : installed
assert new File(dir, 'two-workspaces-1.0.tar').bytes == new File(basedir, 'target/two-workspaces-1.0.tar').bytes
assert new File(dir, 'two-workspaces-1.0-board2.tar').bytes == new File(basedir, 'target/two-workspaces-1.0-board2.tar').bytes
assert new File(dir, 'two-workspaces-1.0-disk.img').bytes == new File(wsA, 'images/disk.img').bytes
// Different boards, different bundles.
assert new File(dir, 'two-workspaces-1.0.tar').bytes != new File(dir, 'two-workspaces-1.0-board2.tar').bytes

def sbomA = new JsonSlurper().parse(new File(dir, 'two-workspaces-1.0-sbom.json'), 'UTF-8')
def sbomB = new JsonSlurper().parse(new File(dir, 'two-workspaces-1.0-board2-sbom.json'), 'UTF-8')
assert sbomA.components*.name.contains('htop') && !sbomA.components*.name.contains('nano')
assert sbomB.components*.name.contains('nano') && !sbomB.components*.name.contains('htop')
return true
