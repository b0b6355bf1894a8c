// A workspace locked by another process: the build fails at once, names the holder, and leaves
// the workspace alone (no `make defconfig`, no `make` in an output tree another build is using).
def channel = context.get('skiffLockChannel')
def watcher = context.get('skiffWatcher')
try {
    watcher.interrupt()
    watcher.join(2000)

    // The build really ran in another process: a Maven JVM below the invoker's, not the invoker itself.
    Set<Long> mavenPids = context.get('skiffMavenPids')
    long invokerPid = context.get('skiffInvokerPid')
    assert !mavenPids.isEmpty() : 'no forked Maven process was seen: the build did not run in a separate process'
    assert !mavenPids.contains(invokerPid)
    assert channel.isOpen() : 'the lock was released before the build ran'

    def log = new File(basedir, 'build.log').getText('UTF-8')
    def error = log.readLines().findAll { it.startsWith('[ERROR]') }.join('\n')
    assert log.contains('BUILD FAILURE')
    def ws = new File(basedir, 'workspaces/default').absoluteFile.toPath().normalize().toFile()
    assert error.contains("workspace ${ws} is in use by another build") : error
    assert error.contains(context.get('skiffLockHolder')) : "the holder is not named: ${error}"
    assert error.contains('-Dskiff.workspace') : error
    assert !log.contains('\tat dev.skiff') : 'a stack trace of the plugin leaked'

    // Nothing ran in the locked workspace: not the configure step, not Buildroot.
    def touched = ws.list().findAll { it != '.skiff.lock' }
    assert touched.isEmpty() : "the build changed the locked workspace ${ws}: ${touched}"
    assert !log.contains('[1/') : 'Buildroot ran in a locked workspace'
} finally {
    channel?.close() // releases the lock
}
return true
