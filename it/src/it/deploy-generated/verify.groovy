// Projects generated from the archetype are deployed with `mvn deploy` to a file repository:
// the image bundle (.tar), the SBOM (-sbom.json) and the POM, each with its .sha1 and .md5, in
// the repository layout, with the artifact-level maven-metadata.xml listing both versions and,
// for the snapshot, the version-level metadata of the timestamped files.
// Last, the bundle deployed to tampered-repo/ is altered for the negative case of resolve-deployed.
import groovy.json.JsonSlurper
import groovy.xml.XmlSlurper
import java.security.MessageDigest

def log = new File(basedir, 'build.log').getText('UTF-8')
// One forked build per invocation (see invoker.properties); the text before the first one is the
// pre-build script's.
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).drop(1)
assert runs.size() == 6 : "expected 6 invocations, found ${runs.size()}"
runs.eachWithIndex { r, i -> assert r.contains('BUILD SUCCESS') : "invocation ${i + 1} failed" }

def hex = { String algorithm, byte[] data -> MessageDigest.getInstance(algorithm).digest(data).encodeHex().toString() }
/** A deployed file, with a .sha1 and a .md5 that match its content. */
def deployed = { File f ->
    assert f.isFile() : "${f} was not deployed; ${f.parentFile} has ${f.parentFile.list()}"
    for (alg in [[ext: 'sha1', name: 'SHA-1'], [ext: 'md5', name: 'MD5']]) {
        def sum = new File(f.path + '.' + alg.ext)
        assert sum.isFile() : "${sum.name} was not deployed"
        assert sum.getText('US-ASCII').trim().split(/\s+/)[0] == hex(alg.name, f.bytes) : "${sum.name} does not match ${f.name}"
    }
    f
}

// A little tar reader (ustar + PAX path records): entry name -> [offset of the data, size].
def tarEntries = { File f ->
    def entries = [:]
    byte[] all = f.bytes
    int pos = 0
    String paxPath = null
    while (pos + 512 <= all.length) {
        byte[] h = Arrays.copyOfRange(all, pos, pos + 512)
        if (h.every { it == 0 }) break
        def field = { int off, int len -> new String(h, off, len, 'UTF-8').replaceAll(/\u0000.*/, '') }
        String name = field(0, 100)
        String prefix = field(345, 155)
        if (prefix) name = prefix + '/' + name
        String sizeText = field(124, 12).trim()
        int size = sizeText ? Integer.parseInt(sizeText, 8) : 0
        char type = (char) h[156]
        int data = pos + 512
        pos = data + size + (512 - size % 512) % 512
        if (type == (char) 'x') {
            def m = new String(all, data, size, 'UTF-8') =~ /(?m)^\d+ path=(.*)$/
            paxPath = m.find() ? m.group(1) : null
            continue
        }
        if (paxPath != null) { name = paxPath; paxPath = null }
        entries[name.replaceFirst(/^\.\//, '')] = [offset: data, size: size, type: type]
    }
    entries
}
def manifestOf = { File tar ->
    def e = tarEntries(tar).find { it.key.endsWith('skiff-image.json') }
    assert e : "no skiff-image.json in ${tar}"
    new JsonSlurper().parse(Arrays.copyOfRange(tar.bytes, e.value.offset, e.value.offset + e.value.size))
}

// --- the generated projects ----------------------------------------------------------------
def projects = [release: '1.0.0', snapshot: '1.0.0-SNAPSHOT', tampered: '1.0.1']
projects.each { dir, version ->
    def p = new File(basedir, "${dir}/acme-os")
    assert log.contains("Project created from Archetype in dir: ${p.absolutePath}") : "${dir}: not generated"
    def pom = new XmlSlurper().parse(new File(p, 'pom.xml'))
    assert pom.groupId.text() == 'com.acme.it' && pom.artifactId.text() == 'acme-os' && pom.version.text() == version
    assert pom.packaging.text() == 'skiff'
    assert pom.build.plugins.plugin.configuration.config.text() == 'virt/qemu,skiff/core,acme/app'
    assert new File(p, 'layers/acme/app/buildroot/10-app').isFile()
    assert new File(p, "target/acme-os-${version}.tar").isFile() : "${dir}: no bundle was built"
}
// -DoutputDirectory kept the archetype away from this IT's own POM (no <modules> added).
assert !new File(basedir, 'pom.xml').getText('UTF-8').contains('<module>')
// -Dmaven.install.skip: no artifact went to the local repository (deploy only caches the
// repository's metadata there), so resolve-deployed must use the file repositories.
def cached = []
new File(localRepositoryPath, 'com/acme/it').eachFileRecurse(groovy.io.FileType.FILES) { cached << it.name }
assert !cached.any { it ==~ /acme-os-.*\.(tar|json|pom)/ } : "installed although maven.install.skip: ${cached}" 

def ga = new File(basedir, 'repo/com/acme/it/acme-os')

// --- release 1.0.0 ---------------------------------------------------------------------------
def rel = new File(ga, '1.0.0')
def relTar = deployed(new File(rel, 'acme-os-1.0.0.tar'))
def relSbom = deployed(new File(rel, 'acme-os-1.0.0-sbom.json'))
def relPom = deployed(new File(rel, 'acme-os-1.0.0.pom'))
assert relTar.bytes == new File(basedir, 'release/acme-os/target/acme-os-1.0.0.tar').bytes
assert relSbom.bytes == new File(basedir, 'release/acme-os/target/acme-os-1.0.0-sbom.json').bytes
assert new JsonSlurper().parse(relSbom).bomFormat == 'CycloneDX'
assert relPom.getText('UTF-8').contains('<packaging>skiff</packaging>')
def relManifest = manifestOf(relTar)
assert relManifest.versions.project == '1.0.0'
assert relManifest.requestedChain == ['virt/qemu', 'skiff/core', 'acme/app']
assert relManifest.files*.path.containsAll(['bzImage', 'rootfs.cpio.gz']) : relManifest.files*.path
// Nothing else: no stray artifact, no snapshot-style name.
assert (rel.list() as List).sort() == ['acme-os-1.0.0-sbom.json', 'acme-os-1.0.0-sbom.json.md5', 'acme-os-1.0.0-sbom.json.sha1',
                                       'acme-os-1.0.0.pom', 'acme-os-1.0.0.pom.md5', 'acme-os-1.0.0.pom.sha1',
                                       'acme-os-1.0.0.tar', 'acme-os-1.0.0.tar.md5', 'acme-os-1.0.0.tar.sha1']

// --- snapshot 1.0.0-SNAPSHOT: timestamped files and version-level metadata -----------------
def snap = new File(ga, '1.0.0-SNAPSHOT')
def snapMeta = new XmlSlurper().parse(deployed(new File(snap, 'maven-metadata.xml')))
assert snapMeta.groupId.text() == 'com.acme.it' && snapMeta.artifactId.text() == 'acme-os'
assert snapMeta.version.text() == '1.0.0-SNAPSHOT'
def timestamp = snapMeta.versioning.snapshot.timestamp.text()
assert timestamp ==~ /\d{8}\.\d{6}/ : timestamp
assert snapMeta.versioning.snapshot.buildNumber.text() == '1'
assert snapMeta.versioning.lastUpdated.text() ==~ /\d{14}/
def value = "1.0.0-${timestamp}-1".toString()
def entries = snapMeta.versioning.snapshotVersions.snapshotVersion.collect {
    [it.classifier.text(), it.extension.text(), it.value.text()]
}
assert entries as Set == [['', 'pom', value], ['', 'tar', value], ['sbom', 'json', value]] as Set : entries
def snapTar = deployed(new File(snap, "acme-os-${value}.tar"))
def snapSbom = deployed(new File(snap, "acme-os-${value}-sbom.json"))
deployed(new File(snap, "acme-os-${value}.pom"))
assert snapTar.bytes == new File(basedir, 'snapshot/acme-os/target/acme-os-1.0.0-SNAPSHOT.tar').bytes
assert snapSbom.bytes == new File(basedir, 'snapshot/acme-os/target/acme-os-1.0.0-SNAPSHOT-sbom.json').bytes
assert manifestOf(snapTar).versions.project == '1.0.0-SNAPSHOT'
assert !snap.list().any { it.contains('1.0.0-SNAPSHOT.') || it.contains('1.0.0-SNAPSHOT-') } : "a non-timestamped file in ${snap}: ${snap.list()}"

// --- artifact-level metadata: both versions ------------------------------------------------
def meta = new XmlSlurper().parse(deployed(new File(ga, 'maven-metadata.xml')))
assert meta.groupId.text() == 'com.acme.it' && meta.artifactId.text() == 'acme-os'
def versions = meta.versioning.versions.version*.text()
assert versions as Set == ['1.0.0', '1.0.0-SNAPSHOT'] as Set : versions
assert meta.versioning.release.text() == '1.0.0'
def latest = meta.versioning.latest.text()
assert !latest || latest in versions
assert meta.versioning.lastUpdated.text() ==~ /\d{14}/
// The copy to be tampered with went to its own repository only.
assert !new File(ga, '1.0.1').exists()

// --- tampered-repo: 1.0.1, then one byte of one image changed -------------------------------
def tga = new File(basedir, 'tampered-repo/com/acme/it/acme-os')
def tTar = deployed(new File(tga, '1.0.1/acme-os-1.0.1.tar'))
deployed(new File(tga, '1.0.1/acme-os-1.0.1.pom'))
deployed(new File(tga, '1.0.1/acme-os-1.0.1-sbom.json'))
def tMeta = new XmlSlurper().parse(deployed(new File(tga, 'maven-metadata.xml')))
assert tMeta.versioning.versions.version*.text() == ['1.0.1'] && tMeta.versioning.release.text() == '1.0.1'

def victim = tarEntries(tTar).find { it.key.endsWith('rootfs.cpio.gz') }
assert victim && victim.value.size > 10 : 'no rootfs.cpio.gz in the bundle'
byte[] bytes = tTar.bytes
int at = victim.value.offset + victim.value.size.intdiv(2)
bytes[at] = (byte) (bytes[at] ^ 0x01)
tTar.bytes = bytes
// The repository stays consistent (its checksums describe the altered file), so Maven resolves
// it without complaint: only the image's own manifest can tell that rootfs.cpio.gz changed.
new File(tTar.path + '.sha1').setText(hex('SHA-1', bytes), 'US-ASCII')
new File(tTar.path + '.md5').setText(hex('MD5', bytes), 'US-ASCII')
deployed(tTar)
assert tTar.bytes != new File(basedir, 'tampered/acme-os/target/acme-os-1.0.1.tar').bytes
return true
