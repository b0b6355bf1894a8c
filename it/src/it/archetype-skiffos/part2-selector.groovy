// Shared by the selectors of archetype-skiffos-pi4 and archetype-skiffos-qemu (part 2 of the flow):
// skipped (loudly) exactly when archetype-skiffos is, without the real SkiffOS and Buildroot.
return { File itDir, String name ->
    def missing = ['SKIFF_TEST_SKIFFOS', 'SKIFF_TEST_BUILDROOT_NEXT'].findAll { v -> !System.getenv(v)?.trim() }
    if (missing) {
        def msg = 'SKIPPED ' + name + ': ' + missing.join(' and ') + ' not set'
        println msg
        new PrintStream(new FileOutputStream(FileDescriptor.out), true).println("[WARNING] ${msg}")
        return false
    }
    // Part 1 must have made the project; if it did not, this part fails rather than skip.
    assert new File(itDir, '../archetype-skiffos/gen/acme-os/skiffos/configs').isDirectory() :
            'archetype-skiffos did not generate the project with SkiffOS; see its build.log'
    return true
}
