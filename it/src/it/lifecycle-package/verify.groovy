// `mvn package` on a skiff-packaged project runs the whole lifecycle against the Buildroot
// test double: the hooks run in chain order with Buildroot's arguments, progress is shown, and
// the image bundle, the disk image and the SBOM are produced.
import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines()
assert log.contains('BUILD SUCCESS')

// The skiff lifecycle: one execution per mapped phase, in this order.
def executions = lines.collect { (it =~ /--- skiff:\S+:(\S+) \((\S+)\) @ lifecycle-package ---/) }
        .findAll { it.find() }.collect { "${it.group(1)} (${it.group(2)})".toString() }
assert executions == ['validate (default-validate)', 'buildroot (default-buildroot)',
                      'configure (default-configure)', 'compile (default-compile)',
                      'package (default-package)'] : executions

def ws = new File(basedir, 'workspaces/default').absoluteFile.toPath().normalize().toFile()
def layers = new File(basedir, 'layers').absoluteFile.toPath().normalize().toFile()
def target = "${ws}/target"
def images = "${ws}/images"

// Hooks: acme/base (a dependency, so first) then acme/app; pre hooks get the target directory
// before any image exists, post hooks the images directory; each sees its own layer directory.
def hooksLog = new File(ws, 'hooks.log')
assert hooksLog.isFile() : 'no hook ran'
assert hooksLog.readLines('UTF-8') == [
        "acme/base pre ${target} ${layers}/acme/base images=absent ws=default",
        "acme/app pre ${target} ${layers}/acme/app images=absent ws=default",
        "acme/base post ${images} ${layers}/acme/base images=present ws=default",
        "acme/app post ${images} ${layers}/acme/app images=present ws=default",
]*.toString()

// Buildroot's full output is in the workspace's build.log (the double may add terminal codes).
def ansi = /\u001B(\[[0-9;?]*[A-Za-z]|\([A-Z0-9])/
def buildLog = new File(ws, 'build.log')
assert buildLog.isFile()
def raw = buildLog.readLines('UTF-8').collect { it.replaceAll(ansi, '') }
for (step in ['Extracting', 'Configuring', 'Building', 'Installing to target']) {
    assert raw.contains(">>> busybox 1.37.0 ${step}".toString())
}
assert raw.any { it ==~ />>> htop \S+ Building/ }
assert raw.any { it ==~ />>> nano \S+ Building/ }
assert raw.contains('>>>   Finalizing target directory')
assert raw.any { it ==~ />>>   Executing post-image script .*post_build\.sh/ }

// Progress on Maven's console: one counted line per package step, counting up to the total.
def progress = lines.findAll { it =~ /^\[INFO\] \[ *\d+\/\d+\] \S+ \S+ building$/ }
def showInfo = new JsonSlurper().parse(new File(ws, 'show-info.json'), 'UTF-8')
// busybox (Buildroot's default), network-manager, openssh and openssl with libopenssl (base/pre:
// the device checks update signatures with the openssl command), htop and nano (acme/app).
assert showInfo.keySet() == ['busybox', 'htop', 'libopenssl', 'nano', 'network-manager', 'openssh', 'openssl'] as Set
assert progress.size() == 7 : progress
assert progress[0] =~ /\[1\/7\] busybox 1\.37\.0 building/
assert progress[6] =~ /\[7\/7\] openssl \S+ building/

// A little tar reader (ustar + PAX path records), enough to look inside the bundle.
def readTar = { File f ->
    def entries = [:]
    f.withInputStream { ins ->
        String paxPath = null
        while (true) {
            byte[] h = ins.readNBytes(512)
            if (h.length < 512 || h.every { it == 0 }) break
            def field = { int off, int len -> new String(h, off, len, 'UTF-8').replaceAll(/\u0000.*/, '') }
            String name = field(0, 100)
            String prefix = field(345, 155)
            if (prefix) name = prefix + '/' + name
            String sizeText = field(124, 12).trim()
            long size = sizeText ? Long.parseLong(sizeText, 8) : 0
            char type = (char) h[156]
            byte[] data = ins.readNBytes((int) size)
            ins.skipNBytes((512 - size % 512) % 512)
            if (type == 'x') {
                def m = new String(data, 'UTF-8') =~ /(?m)^\d+ path=(.*)$/
                paxPath = m.find() ? m.group(1) : null
                continue
            }
            if (paxPath != null) { name = paxPath; paxPath = null }
            entries[name.replaceFirst(/^\.\//, '')] = [type: type, data: data]
        }
    }
    entries
}

// The image bundle is the main artifact: every image plus the manifest.
def bundle = new File(basedir, 'target/lifecycle-package-1.0.tar')
assert bundle.isFile() : "${bundle} was not written"
def entries = readTar(bundle)
def names = entries.keySet().findAll { entries[it].type != (char) '5' }.collect { it.replaceFirst(/^images\//, '') }
assert names.containsAll(['bzImage', 'rootfs.cpio.gz', 'disk.img', 'skiff-image.json']) : names
def rootfsEntry = entries.find { it.key.endsWith('rootfs.cpio.gz') }.value
assert rootfsEntry.data == new File(images, 'rootfs.cpio.gz').bytes
// The pre hooks wrote into the target directory before the root file system was generated.
def rootfs = new String(rootfsEntry.data, 'UTF-8')
assert rootfs.contains('./etc/acme-app-pre') && rootfs.contains('./etc/acme-base-pre')
def manifest = new JsonSlurper().parse(entries.find { it.key.endsWith('skiff-image.json') }.value.data)
assert manifest.toString().contains('acme/app')

// The disk image (BR2_DOUBLE_DISK_IMAGE=y) and the SBOM are attached under their classifiers.
assert lines.any { it.contains('Disk image: ') && it.contains("${images}/disk.img") && it.contains('classifier disk') } : 'disk image not attached'
def sbomFile = new File(basedir, 'target/lifecycle-package-1.0-sbom.json')
assert sbomFile.isFile()
assert lines.any { it.contains('SBOM: ') && it.contains('classifier sbom') } : 'SBOM not attached'
def sbom = new JsonSlurper().parse(sbomFile, 'UTF-8')
assert sbom.bomFormat == 'CycloneDX'
def components = sbom.components.collectEntries { [it.name, it.version] }
assert components.busybox == '1.37.0'
assert components.keySet().containsAll(['busybox', 'htop', 'nano', 'openssh']) : components

assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
return true
