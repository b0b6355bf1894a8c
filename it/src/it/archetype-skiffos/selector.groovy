// Needs the real SkiffOS and the Buildroot of the series it pins; without them the IT is
// skipped, loudly: on the invoking build's console and in build.log.
def missing = ['SKIFF_TEST_SKIFFOS', 'SKIFF_TEST_BUILDROOT_NEXT'].findAll { v -> !System.getenv(v)?.trim() }
if (missing) {
    def msg = 'SKIPPED archetype-skiffos: ' + missing.join(' and ') + ' not set'
    println msg
    new PrintStream(new FileOutputStream(FileDescriptor.out), true).println("[WARNING] ${msg}")
    return false
}
context.userProperties.setProperty('skiffosUrl', System.getenv('SKIFF_TEST_SKIFFOS').trim())
return true
