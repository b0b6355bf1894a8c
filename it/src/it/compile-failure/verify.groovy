// A package that fails to compile fails the build with the package, its step and the last lines
// of Buildroot's log (the compiler error), as a clean Maven error without a stack trace.
def log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines()
assert log.contains('BUILD FAILURE')
def ws = new File(basedir, 'workspaces/default').absoluteFile.toPath().normalize().toFile()

// It got as far as busybox's build step, which the progress shows.
assert lines.any { it =~ /^\[INFO\] \[1\/\d+\] busybox 1\.37\.0 building$/ }
assert !lines.any { it =~ /busybox 1\.37\.0 installing to target/ }

// The error names the package, its version and step, and where the full log is.
def error = lines.findAll { it.startsWith('[ERROR]') }.join('\n')
assert error =~ /Failed to execute goal dev\.skiff:skiff-maven-plugin:\S+:compile \(default-compile\)/
assert error.contains('Buildroot failed in package busybox 1.37.0, step building (exit 2)') : error
assert error.contains("of ${ws}/build.log") : error
// ... and shows the end of that log: the compiler error itself.
assert error.contains("error: implicit declaration of function 'injected_failure'") : error
assert error.contains('injected_failure(); /* BR2_DOUBLE_FAIL_PACKAGE */') : error
assert error =~ /make: \*\*\* \[\S*Makefile:\d+: all\] Error 2/ : error
assert new File(ws, 'build.log').getText('UTF-8').contains("error: implicit declaration of function 'injected_failure'")

// A user-facing failure, not a crash: no Java stack trace, no exception class names.
// (Maven's own help link names MojoFailureException; a stack trace would show frames and "Caused by".)
assert !(log =~ /(?m)^\s+at dev\.skiff\./) : 'a stack trace of the plugin leaked'
assert !log.contains('SkiffException') && !log.contains('Caused by:')

// Nothing after the failure ran: no hook, no package step, no bundle.
assert !new File(ws, 'pre-hook-ran').exists()
assert !log.contains('skiff:package') && !(log =~ /:package \(default-package\)/)
assert !new File(basedir, 'target/compile-failure-1.0.tar').exists()
return true
