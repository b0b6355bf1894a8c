// This IT needs a real Buildroot 2026.02.3 checkout, named by SKIFF_TEST_BUILDROOT. Without it
// the IT is skipped, loudly: on the console of the invoking build and in build.log.
def br = System.getenv('SKIFF_TEST_BUILDROOT')
if (br == null || br.trim().isEmpty()) {
    def msg = 'SKIPPED configure-real: SKIFF_TEST_BUILDROOT not set'
    println msg // into build.log: the invoker redirects a script's output there
    // The invoker's own console, which a script cannot reach otherwise.
    def console = new PrintStream(new FileOutputStream(FileDescriptor.out), true)
    console.println("[WARNING] ${msg} (export SKIFF_TEST_BUILDROOT=/path/to/buildroot-2026.02.3 to run it)")
    return false
}
// Handed to the forked build as -Dskiff.buildroot=<dir>: the invoker gives scripts a context
// map whose userProperties become -D options of the build.
context.userProperties.setProperty('skiff.buildroot', br.trim())
println "configure-real: using Buildroot at ${br.trim()}"
return true
