// The real-build IT needs a real Buildroot tree, the offline sources and toolchain that
// scripts/realbuild-prepare.sh caches, QEMU and OVMF. Without one of them it is skipped, loudly.
def br = System.getenv('SKIFF_TEST_BUILDROOT')?.trim()
def cache = System.getenv('SKIFF_REALBUILD')?.trim()
def missing = null
if (!br) missing = 'SKIFF_TEST_BUILDROOT not set'
else if (!cache) missing = 'SKIFF_REALBUILD not set (run scripts/realbuild-prepare.sh and export the directory it prints)'
else if (!new File(cache, 'local.mk').isFile() || !new File(cache, 'toolchain/.complete').isFile())
    missing = "SKIFF_REALBUILD=${cache} is not a complete scripts/realbuild-prepare.sh cache"
else if (!new File('/usr/bin/qemu-system-x86_64').canExecute()) missing = 'qemu-system-x86_64 is missing (Debian qemu-system-x86)'
else if (!new File('/usr/share/ovmf/OVMF.fd').isFile()) missing = '/usr/share/ovmf/OVMF.fd is missing (Debian ovmf)'
if (missing != null) {
    def msg = "SKIPPED realbuild-qemu: ${missing}"
    println msg
    new PrintStream(new FileOutputStream(FileDescriptor.out), true).println("[WARNING] ${msg}")
    return false
}
context.userProperties.setProperty('skiff.buildroot', br)
context.userProperties.setProperty('skiff.overrideFile', new File(cache, 'local.mk').path)
// The Buildroot output lives in the cache, not in target/it (which every IT run starts afresh), so
// a second run only rebuilds what changed: Buildroot's own per-package stamps, and Skiff's
// fingerprint of the merged configuration, which reconfigures when the chain or a layer changes.
// scripts/bench-realbuild.sh points SKIFF_REALBUILD_WORKSPACES at an empty directory for a cold build.
context.userProperties.setProperty('skiff.workspacesDir', System.getenv('SKIFF_REALBUILD_WORKSPACES') ?: new File(cache, 'workspaces').path)
println "realbuild-qemu: Buildroot ${br}, offline cache ${cache}"
return true
