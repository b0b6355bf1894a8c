// The real build: Buildroot compiled a kernel, busybox and dropbear from source, the bundle and
// the SBOM hold them, skiff:install wrote the A/B disk, and that disk boots under QEMU through
// OVMF and GRUB into slot a, where the init runs skiff-slot and dropbear lets us in.
import groovy.json.JsonSlurper
import java.util.concurrent.TimeUnit

def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD SUCCESS')
assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
// The workspace lives in the offline cache (selector.groovy), so that a second run is warm.
def ws = new File(System.getenv('SKIFF_REALBUILD'), 'workspaces/default')
def images = new File(ws, 'images')

def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd*.toString()).redirectErrorStream(true).start()
    def out = p.inputStream.getText('UTF-8')
    assert p.waitFor() == 0 : "${cmd.join(' ')} failed: ${out}"
    out
}

// A real kernel and a real initramfs, from the real compile (progress counted on the console).
assert log =~ /\[INFO\] \[ *\d+\/\d+\] linux custom building/
assert run(['file', new File(images, 'bzImage').path]).contains('Linux kernel x86 boot executable bzImage')
def cpio = run(['sh', '-c', "gzip -dc '${images}/rootfs.cpio.gz' | cpio -t --quiet"]).readLines() as Set
for (f in ['bin/busybox', 'usr/sbin/dropbear', 'usr/lib/skiff/skiff-slot', 'etc/skiff/slots.conf',
           'etc/init.d/S99skiff-slot-commit', 'root/.ssh/authorized_keys', 'lib/libc.so.6', 'lib/ld-linux-x86-64.so.2']) {
    assert cpio.contains(f) : "${f} is not in rootfs.cpio.gz"
}
def efi = new File(images, 'efi-part/EFI/BOOT')
for (f in ['bootx64.efi', 'grub.cfg', 'grubenv']) assert new File(efi, f).isFile() : "no ${f} in ${efi}"

// Buildroot's own show-info, as the SBOM: every package of the build with its version.
def showInfo = new JsonSlurper().parse(new File(ws, 'show-info.json'), 'UTF-8')
assert showInfo.keySet().containsAll(['busybox', 'dropbear', 'linux', 'toolchain-external-custom']) : showInfo.keySet()
def sbom = new JsonSlurper().parse(new File(basedir, 'target/realbuild-qemu-1.0-sbom.json'), 'UTF-8')
assert sbom.bomFormat == 'CycloneDX'
assert sbom.components*.name.containsAll(['busybox', 'dropbear', 'linux'])

// The signed bundle: verified by the plugin's own check with the public key.
def bundle = new File(basedir, 'target/realbuild-qemu-1.0.tar')
assert bundle.isFile()
def listing = run(['tar', '-tf', bundle.path])
assert listing.contains('bzImage') && listing.contains('rootfs.cpio.gz') && listing.contains('skiff-image.sig') : listing

// skiff:install: a GPT disk with the layout of virt/qemu.
def disk = new File(basedir, 'target/disk.img')
assert disk.isFile()
def table = run(['sfdisk', '--dump', disk.path])
for (label in ['EFI', 'BOOTA', 'BOOTB', 'persist']) assert table.contains("name=\"${label}\"") : table

// Boot it: OVMF, GRUB from the EFI partition, slot a. User-mode network, SSH forwarded on
// 127.0.0.1 only. KVM when /dev/kvm is there and works, else TCG: nested KVM on cloud machines
// can fail inside the guest's firmware ("KVM internal error"), so a KVM run that dies before the
// guest commits is retried once under TCG, and the log says so. Hard timeout; QEMU is killed after.
def port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
def console = new File(basedir, 'target/console.log')
def qemuLog = new File(basedir, 'target/qemu.log')
def boot = { String accel ->
    console.delete()
    def qemu = ['qemu-system-x86_64', '-machine', 'q35', '-m', '512', '-smp', '1', '-accel', accel,
                '-bios', '/usr/share/ovmf/OVMF.fd', '-drive', "file=${disk.path},if=virtio,format=raw",
                '-netdev', "user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22", '-device', 'virtio-net-pci,netdev=n0',
                '-display', 'none', '-monitor', 'none', '-serial', "file:${console.path}"]*.toString()
    println "realbuild-qemu: booting with ${accel}: ${qemu.join(' ')}"
    new ProcessBuilder(qemu).redirectErrorStream(true).redirectOutput(qemuLog).start()
}
def consoleText = { console.isFile() ? console.getText('UTF-8') : '' }
def accel = new File('/dev/kvm').canWrite() ? 'kvm' : 'tcg'
def vm = boot(accel)
try {
    long started = System.currentTimeMillis()
    long deadline = started + 600 * 1000L
    while (!consoleText().contains('skiff-slot-commit:')) {
        // A KVM failure either ends QEMU or stops the guest with "KVM internal error" and leaves
        // QEMU running; a guest that printed nothing in 30 s under KVM has stalled the same way.
        if (accel == 'kvm' && (!vm.isAlive() || qemuLog.text.contains('KVM internal error')
                || (consoleText().isEmpty() && System.currentTimeMillis() - started > 30000))) {
            println "realbuild-qemu: the guest does not run under KVM here (${qemuLog.text.readLines().take(3).join(' / ')}); booting again with TCG"
            vm.destroyForcibly()
            vm.waitFor(30, TimeUnit.SECONDS)
            accel = 'tcg'
            vm = boot(accel)
            continue
        }
        assert vm.isAlive() : "QEMU exited (${vm.exitValue()}): ${qemuLog.text}\nconsole:\n${consoleText()}"
        assert System.currentTimeMillis() < deadline : "no skiff-slot-commit line on the console within 600 s; console tail:\n" +
                consoleText().readLines().takeRight(40).join('\n')
        sleep 1000
    }
    println "realbuild-qemu: ${accel} boot to the commit line in ${(System.currentTimeMillis() - started).intdiv(1000)} s"
    def text = console.getText('UTF-8')
    println "realbuild-qemu: booted; console tail:\n" + text.readLines().takeRight(15).join('\n')
    assert text.contains('skiff-slot-commit: slot a is the default') : text
    def ssh = ['ssh', '-i', new File(basedir, 'target/keys/id_ed25519').path, '-p', "${port}".toString(),
               '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes',
               '-o', 'ConnectTimeout=10', 'root@127.0.0.1']
    def out = null
    for (int i = 0; i < 30 && out == null; i++) {
        def p = new ProcessBuilder((ssh + ['cat /proc/cmdline; /usr/lib/skiff/skiff-slot status'])*.toString()).redirectErrorStream(true).start()
        def o = p.inputStream.getText('UTF-8')
        if (p.waitFor() == 0) out = o else sleep 2000
    }
    assert out != null : 'no SSH login on the booted VM'
    println "realbuild-qemu: over SSH:\n${out}"
    assert out.contains('skiff.slot=a')
    assert out.contains('booted=a') && out.contains('active=a') : out

    // A second build with one changed file, pushed over the air with the plugin: skiff:push
    // writes it into slot b, arms a trial and reboots the VM (no -no-reboot above: a guest
    // reboot is a reboot), the init's skiff-slot commit makes b the default, and skiff:status
    // reads it back. A nested Maven of the same version, local repository and settings as this
    // IT's; its user.home is under target/ so ~/.ssh/known_hosts is the test's own.
    def changed = new File(basedir, 'overrides/root_overlay/etc/skiff-it-build')
    changed.parentFile.mkdirs()
    // Unique per run: Buildroot's target directory keeps a file an earlier run's overlay put
    // there, so a fixed text could already be in the first build of a warm workspace.
    def nonce = "second build ${UUID.randomUUID()}".toString()
    changed.text = nonce + '\n'
    def cache = System.getenv('SKIFF_REALBUILD')
    def home = new File(basedir, 'target/home')
    home.mkdirs()
    def mvn = [new File(System.getProperty('maven.home'), 'bin/mvn').path, '-B',
               '-s', new File(basedir.parentFile, 'interpolated-settings.xml').path,
               "-Dmaven.repo.local=${localRepositoryPath}",
               "-Dskiff.home=${new File(basedir, '../../skiff-home').canonicalPath}",
               "-Dskiff.buildroot=${System.getenv('SKIFF_TEST_BUILDROOT')}",
               "-Dskiff.overrideFile=${cache}/local.mk", "-Dskiff.workspacesDir=${cache}/workspaces",
               "-Dskiff.host=root@127.0.0.1:${port}", "-Dskiff.identity=${basedir}/target/keys/id_ed25519",
               '-Dskiff.acceptNewHostKey=true', '-Dskiff.reboot=true', '-Dskiff.yes=true', '-Dskiff.timeout=600',
               // The signed bundle package just wrote, as a user pushes a release: it carries the
               // version and the hashes the device checks before it arms the slot.
               "-Dskiff.image=${basedir}/target/realbuild-qemu-1.0.tar", "-Dskiff.trustedKeys=${basedir}/target/keys/release.pub.pem",
               'package', 'skiff:push', 'skiff:status']*.toString()
    def pushLog = new File(basedir, 'target/push.log')
    def pb = new ProcessBuilder(mvn).directory(basedir).redirectErrorStream(true).redirectOutput(pushLog)
    pb.environment().put('MAVEN_OPTS', "-Duser.home=${home.path}".toString())
    println "realbuild-qemu: second build and push: ${mvn.join(' ')}"
    def nested = pb.start()
    assert nested.waitFor(1800, TimeUnit.SECONDS) : "the second build and push did not end in 30 minutes; log tail:\n" +
            pushLog.text.readLines().takeRight(40).join('\n')
    def pushed = pushLog.getText('UTF-8')
    def tail = { pushed.readLines().takeRight(60).join('\n') + '\nconsole tail:\n' + consoleText().readLines().takeRight(30).join('\n') }
    assert nested.exitValue() == 0 : "second build and push failed:\n" + tail()
    println "realbuild-qemu: push and status:\n" + pushed.readLines().findAll { it =~ /skiff:|Slot|slot|[Pp]ush|device/ }.join('\n')
    assert !pushed.contains('nothing transferred') : 'the second build did not change the image:\n' + tail()
    assert pushed.contains('The device booted slot b') && pushed.contains('and committed it: it is the default now.') : tail()
    assert pushed =~ /slot b \([^)]*\): version 1\.0, active, booted/ : tail()
    out = null
    for (int i = 0; i < 30 && out == null; i++) {
        def p = new ProcessBuilder((ssh + ['cat /proc/cmdline /etc/skiff-it-build; /usr/lib/skiff/skiff-slot status'])*.toString()).redirectErrorStream(true).start()
        def o = p.inputStream.getText('UTF-8')
        if (p.waitFor() == 0) out = o else sleep 2000
    }
    assert out != null : 'no SSH login after the push'
    println "realbuild-qemu: after the push, over SSH:\n${out}"
    assert out.contains('skiff.slot=b') && out.contains(nonce) : out
    assert out.contains('booted=b') && out.contains('active=b') : out
} finally {
    vm.destroyForcibly()
    vm.waitFor(30, TimeUnit.SECONDS)
}
return true
