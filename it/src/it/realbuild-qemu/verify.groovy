// The real build: Buildroot compiled a kernel, busybox and dropbear from source, the bundle and
// the SBOM hold them, skiff:install wrote the A/B disk, and that disk boots under QEMU through
// OVMF and GRUB into slot a, where the init runs skiff-slot and dropbear lets us in. Then, over
// the air with the plugin: a second build pushed to slot b commits; a third that fails its health
// check falls back to b by itself; a power cut in the middle of a push leaves b booting, whole.
import groovy.json.JsonSlurper
import java.util.concurrent.TimeUnit

def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD SUCCESS')
assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
// The workspace lives in the offline cache (selector.groovy), so that a second run is warm.
def workspaces = System.getenv('SKIFF_REALBUILD_WORKSPACES') ?: new File(System.getenv('SKIFF_REALBUILD'), 'workspaces').path
def ws = new File(workspaces, 'default')
def images = new File(ws, 'images')
// Buildroot's own time for the last compile in the workspace (BuildrootMake's "# exit 0 after N s"),
// printed for scripts/bench-realbuild.sh.
def compileTime = { String which ->
    def line = new File(ws, 'build.log').readLines().reverse().find { it.startsWith('# exit ') }
    println "realbuild-qemu: Buildroot compile of the ${which}: ${line}"
}
compileTime('first build')

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
// Each build's bundle is kept: the next package writes the same file name.
def bundle1 = new File(basedir, 'target/bundle-1.tar')
java.nio.file.Files.copy(bundle.toPath(), bundle1.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING)
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
//
// A guest reboot is a power cycle: QEMU runs with -no-reboot, so a reboot ends it (exit 0), and
// the supervisor below powers the same disk on again, its console appended to the same log. Why:
// OVMF under TCG can hang on a warm reset (seen here: nothing on the console for 5 minutes after
// "reboot: machine restart"); a cold start of the same disk is what a watchdog or a power cycle
// gives a real board, and GRUB's environment, which decides the slot, is on the disk.
def port = new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
def console = new File(basedir, 'target/console.log')
def qemuLog = new File(basedir, 'target/qemu.log')
def startQemu = { String accelerator ->
    def qemu = ['qemu-system-x86_64', '-machine', 'q35', '-m', '512', '-smp', '1', '-accel', accelerator, '-no-reboot',
                '-bios', '/usr/share/ovmf/OVMF.fd', '-drive', "file=${disk.path},if=virtio,format=raw",
                '-netdev', "user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22", '-device', 'virtio-net-pci,netdev=n0',
                '-display', 'none', '-monitor', 'none',
                '-chardev', "file,id=console,path=${console.path},append=on", '-serial', 'chardev:console']*.toString()
    println "realbuild-qemu: powering on with ${accelerator}: ${qemu.join(' ')}"
    new ProcessBuilder(qemu).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(qemuLog)).start()
}
def accel = new File('/dev/kvm').canWrite() ? 'kvm' : 'tcg'
def machine = [proc: null, powered: false, boots: 0]
def powerOn = { boolean freshConsole ->
    synchronized (machine) {
        if (freshConsole) console.delete()
        machine.proc = startQemu(accel)
        machine.powered = true
        machine.boots++
    }
}
def powerOff = {
    synchronized (machine) {
        machine.powered = false
        machine.proc?.destroyForcibly()
    }
    machine.proc?.waitFor(30, TimeUnit.SECONDS)
}
def supervisor = Thread.start {
    try {
        while (true) {
            synchronized (machine) {
                def p = machine.proc
                if (machine.powered && p != null && !p.isAlive() && p.exitValue() == 0) {
                    println "realbuild-qemu: the guest rebooted (QEMU ended, -no-reboot); powering it on again"
                    machine.proc = startQemu(accel)
                    machine.boots++
                }
            }
            Thread.sleep(250)
        }
    } catch (InterruptedException done) {
        // the test is over
    }
}
def consoleText = { console.isFile() ? console.getText('UTF-8') : '' }
// Fails when QEMU itself failed (a nonzero exit); a reboot's exit 0 is the supervisor's to handle.
def assertRunning = {
    def p = machine.proc
    assert p.isAlive() || p.exitValue() == 0 : "QEMU exited (${p.exitValue()}): ${qemuLog.text}\nconsole:\n" +
            consoleText().readLines().takeRight(40).join('\n')
}
powerOn(true)
try {
    long started = System.currentTimeMillis()
    long deadline = started + 600 * 1000L
    while (!consoleText().contains('skiff-slot-commit:')) {
        // A KVM failure either ends QEMU or stops the guest with "KVM internal error" and leaves
        // QEMU running; a guest that printed nothing in 30 s under KVM has stalled the same way.
        if (accel == 'kvm' && (!machine.proc.isAlive() || qemuLog.text.contains('KVM internal error')
                || (consoleText().isEmpty() && System.currentTimeMillis() - started > 30000))) {
            println "realbuild-qemu: the guest does not run under KVM here (${qemuLog.text.readLines().take(3).join(' / ')}); booting again with TCG"
            powerOff()
            accel = 'tcg'
            powerOn(true)
            started = System.currentTimeMillis() // the boot times count from this power-on
            continue
        }
        assertRunning()
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
    // The command's output once a login works (the guest's sshd may still be starting), else null.
    def overSsh = { String command ->
        for (int i = 0; i < 30; i++) {
            def p = new ProcessBuilder((ssh + [command])*.toString()).redirectErrorStream(true).start()
            def o = p.inputStream.getText('UTF-8')
            if (p.waitFor() == 0) return o
            sleep 2000
        }
        return null
    }
    def out = overSsh('cat /proc/cmdline; /usr/lib/skiff/skiff-slot status')
    assert out != null : 'no SSH login on the booted VM'
    // scripts/bench-realbuild.sh reads this line.
    println "realbuild-qemu: ${accel} boot to SSH in ${(System.currentTimeMillis() - started).intdiv(1000)} s"
    println "realbuild-qemu: over SSH:\n${out}"
    assert out.contains('skiff.slot=a')
    assert out.contains('booted=a') && out.contains('active=a') : out

    // A second build with one changed file, pushed over the air with the plugin: skiff:push
    // writes it into slot b, arms a trial and reboots the VM (the supervisor powers it on again),
    // the init's skiff-slot commit makes b the default, and skiff:status
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
    // Starts the nested Maven with these arguments (goals last), its output in target/<name>.log;
    // returns [process, log file]. finish waits for it, bounded (a hung build fails the IT with its
    // log tail), and returns [exit status, log text].
    def maven = { String name, List<String> args ->
        def cmd = [new File(System.getProperty('maven.home'), 'bin/mvn').path, '-B',
                   '-s', new File(basedir.parentFile, 'interpolated-settings.xml').path,
                   "-Dmaven.repo.local=${localRepositoryPath}",
                   "-Dskiff.home=${new File(basedir, '../../skiff-home').canonicalPath}",
                   "-Dskiff.buildroot=${System.getenv('SKIFF_TEST_BUILDROOT')}",
                   "-Dskiff.overrideFile=${cache}/local.mk", "-Dskiff.workspacesDir=${workspaces}",
                   "-Dskiff.host=root@127.0.0.1:${port}", "-Dskiff.identity=${basedir}/target/keys/id_ed25519",
                   '-Dskiff.acceptNewHostKey=true', '-Dskiff.yes=true', '-Dskiff.timeout=600',
                   "-Dskiff.trustedKeys=${basedir}/target/keys/release.pub.pem"] + args
        def logFile = new File(basedir, "target/${name}.log")
        def pb = new ProcessBuilder(cmd*.toString()).directory(basedir).redirectErrorStream(true).redirectOutput(logFile)
        pb.environment().put('MAVEN_OPTS', "-Duser.home=${home.path}".toString())
        println "realbuild-qemu: ${name}: ${cmd.join(' ')}"
        [pb.start(), logFile]
    }
    def finish = { List nested ->
        def (proc, logFile) = nested
        assert proc.waitFor(1800, TimeUnit.SECONDS) : "${logFile.name} did not end in 30 minutes; log tail:\n" +
                logFile.text.readLines().takeRight(40).join('\n')
        [proc.exitValue(), logFile.getText('UTF-8')]
    }
    def tailOf = { String logText -> logText.readLines().takeRight(60).join('\n') + '\nconsole tail:\n' + consoleText().readLines().takeRight(30).join('\n') }
    def showPush = { String name, String logText ->
        println "realbuild-qemu: ${name}:\n" + logText.readLines().findAll { it =~ /skiff:|Slot|slot|[Pp]ush|device|[Uu]pload/ }.join('\n')
    }
    // The signed bundle package just wrote, as a user pushes a release: it carries the version and
    // the hashes the device checks before it arms the slot.
    def pushArgs = ["-Dskiff.image=${bundle.path}".toString(), '-Dskiff.reboot=true']
    def (exit2, pushed) = finish(maven('push-2', pushArgs + ['package', 'skiff:push', 'skiff:status']))
    assert exit2 == 0 : "second build and push failed:\n" + tailOf(pushed)
    compileTime('second build (one file changed)')
    showPush('push and status', pushed)
    assert !pushed.contains('nothing transferred') : 'the second build did not change the image:\n' + tailOf(pushed)
    assert pushed.contains('The device booted slot b') && pushed.contains('and committed it: it is the default now.') : tailOf(pushed)
    assert pushed =~ /slot b \([^)]*\): version 1\.0, active, booted/ : tailOf(pushed)
    out = overSsh('cat /proc/cmdline /etc/skiff-it-build; /usr/lib/skiff/skiff-slot status')
    assert out != null : 'no SSH login after the push'
    println "realbuild-qemu: after the push, over SSH:\n${out}"
    assert out.contains('skiff.slot=b') && out.contains(nonce) : out
    assert out.contains('booted=b') && out.contains('active=b') : out
    def bundle2 = new File(basedir, 'target/bundle-2.tar')
    java.nio.file.Files.copy(bundle.toPath(), bundle2.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING)

    // A third build that fails its health check (the test layer's 50-it-build keys on this file):
    // pushed into slot a, it boots on trial, the check fails, the push fails the build saying so,
    // and the device reboots to slot b by itself (fallback_reboot, 30 s), where skiff:status
    // reports the failed check.
    changed.text = "third build ${UUID.randomUUID()}: fail the health check\n"
    def (exit3, third) = finish(maven('push-3', pushArgs + ['package', 'skiff:push']))
    showPush('push of a build that fails its health check', third)
    assert exit3 != 0 : 'the push of a trial that fails its health check passed:\n' + tailOf(third)
    assert third.contains('failed-check:50-it-build') && third.contains('The device booted slot a') : tailOf(third)
    assert !third.contains('\tat dev.skiff') : 'a stack trace for a failed health check:\n' + tailOf(third)
    def back = null
    long backBy = System.currentTimeMillis() + 300 * 1000L
    while (System.currentTimeMillis() < backBy) {
        back = overSsh('/usr/lib/skiff/skiff-slot status')
        if (back != null && back.contains('booted=b') && back.contains('last=failed-check:50-it-build')) break
        sleep 2000
    }
    assert back != null && back.contains('booted=b') && back.contains('active=b') && back.contains('trial=none') \
            && back.contains('last=failed-check:50-it-build') : "the device did not go back to slot b by itself within 300 s: ${back}\n" +
            consoleText().readLines().takeRight(40).join('\n')
    assert consoleText().contains('skiff-slot: rebooting to slot b in 30 s') : consoleText().readLines().takeRight(40).join('\n')
    def (exitS, status) = finish(maven('status-3', ['skiff:status']))
    assert exitS == 0 : tailOf(status)
    println "realbuild-qemu: skiff:status after the fallback:\n" + status.readLines().findAll { it.contains('slot') || it.contains('result') }.join('\n')
    assert status =~ /slot b \([^)]*\): version 1\.0, active, booted/ : tailOf(status)
    assert status.contains('last result: failed-check:50-it-build') : tailOf(status)

    // Power cut: QEMU is killed while skiff:push uploads the first build into slot a. The next
    // boot comes up on a whole, committed set: slot b, which still verifies, and no trial.
    def cutStarted = maven('push-cut', ["-Dskiff.image=${bundle1.path}".toString(), 'skiff:push'])
    def cutLog = cutStarted[1]
    long cutBy = System.currentTimeMillis() + 600 * 1000L
    while (!(cutLog.isFile() && cutLog.text.contains('[INFO] Uploading ')) && cutStarted[0].isAlive()) {
        assert System.currentTimeMillis() < cutBy : 'the push never started uploading:\n' + tailOf(cutLog.text)
        sleep 50
    }
    powerOff()
    def (exitCut, cut) = finish(cutStarted)
    showPush('push cut by the power cut', cut)
    assert exitCut != 0 : 'the push ended before the power cut (nothing was cut):\n' + tailOf(cut)
    assert !cut.contains('armed for one trial boot') : tailOf(cut)
    powerOn(true)
    long upBy = System.currentTimeMillis() + 600 * 1000L
    while (!consoleText().contains('skiff-slot-commit:')) {
        assertRunning()
        assert System.currentTimeMillis() < upBy : 'no boot after the power cut within 600 s:\n' + consoleText().readLines().takeRight(40).join('\n')
        sleep 1000
    }
    out = overSsh('/usr/lib/skiff/skiff-slot status && /usr/lib/skiff/skiff-slot verify b && echo verified-b')
    println "realbuild-qemu: after the power cut, over SSH:\n${out}"
    assert out != null && out.contains('booted=b') && out.contains('active=b') && out.contains('trial=none') && out.contains('verified-b') : out
    // And the next push of the same set finishes what the cut one left, into slot a.
    def (exitAgain, again) = finish(maven('push-after-cut', ["-Dskiff.image=${bundle1.path}".toString(), 'skiff:push']))
    showPush('push after the power cut', again)
    assert exitAgain == 0 : tailOf(again)
    assert again.contains('slot a is armed for one trial boot') : tailOf(again)
} finally {
    supervisor.interrupt()
    supervisor.join(5000)
    powerOff()
}
return true
