// Maven was killed with SIGKILL while Buildroot ran (see setup.groovy). Nothing of the build may
// outlive it: not make, not the double's recipes, not its sleep (without the watchdog they ran on
// for the whole sleep, and a second build could start a second make in the same workspace).
def watcher = context.get('skiffWatcher')
Map killed = context.get('skiffKilled')
List<ProcessHandle> build = context.get('skiffBuild')
try {
    watcher.join(10_000)
    assert killed.containsKey('maven') : 'the build never reached Buildroot, so it was not killed'
    assert killed.get('status') == 0 : 'kill -KILL failed'
    ProcessHandle maven = killed.get('maven')
    assert !maven.isAlive()

    def log = new File(basedir, 'build.log').getText('UTF-8')
    assert !log.contains('BUILD SUCCESS') && !log.contains('BUILD FAILURE') : 'Maven ended on its own'
    assert log.contains('busybox') : 'no Buildroot progress before the kill'

    // The watchdog polls once a second and gives make 2 seconds after SIGTERM.
    long deadline = System.nanoTime() + 15_000_000_000L
    while (build.any { it.isAlive() } && System.nanoTime() < deadline) Thread.sleep(50)
    def survivors = build.findAll { it.isAlive() }.collect { "${it.pid()} ${it.info().commandLine().orElse('?')}" }
    assert survivors.isEmpty() : "part of the build outlived the killed Maven: ${survivors}"

    List<String> names = context.get('skiffCommandLines')
    assert names.any { it.contains(' -C ') && it.contains('buildroot-double') } : "no make in ${names}"
    assert names.any { it.contains('make-watchdog.sh') } : "make did not run under the watchdog: ${names}"

    def ws = new File(basedir, 'workspaces/default')
    def wsLog = new File(ws, 'build.log').getText('UTF-8')
    assert wsLog.contains('# process group ') : 'the workspace log names the process group'
} finally {
    build.findAll { it.isAlive() }.each { it.destroyForcibly() }
}
return true
