// Plays "another build" holding workspace default: takes the OS lock on its .skiff.lock from the
// invoker's JVM, which is not the JVM of the forked Maven build that runs next. The channel is
// kept in the context map so that verify.groovy can release it.
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.StandardOpenOption

def ws = new File(basedir, 'workspaces/default')
ws.mkdirs()
def lockFile = new File(ws, '.skiff.lock').toPath()
def channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
def lock = channel.tryLock()
assert lock != null : "could not lock ${lockFile} in the invoker JVM"
def pid = ProcessHandle.current().pid()
def holder = "skiff:compile by pid ${pid} (workspace-lock IT setup.groovy)".toString()
channel.write(ByteBuffer.wrap(holder.getBytes('UTF-8')), 0)
context.put('skiffLockChannel', channel)
context.put('skiffLockHolder', holder)
context.put('skiffInvokerPid', pid)

// Records every Maven JVM started below this one while the build runs, to prove that the build
// is a separate process (a lock in this JVM would otherwise look like another thread's lock).
def mavenPids = Collections.synchronizedSet(new LinkedHashSet<Long>())
def watcher = new Thread({
    while (!Thread.currentThread().isInterrupted()) {
        ProcessHandle.current().descendants().each { ProcessHandle p ->
            if (p.info().commandLine().orElse('').contains('org.codehaus.plexus.classworlds.launcher.Launcher')) {
                mavenPids.add(p.pid())
            }
        }
        try {
            Thread.sleep(10)
        } catch (InterruptedException e) {
            break
        }
    }
} as Runnable, 'workspace-lock-it-watcher')
watcher.daemon = true
watcher.start()
context.put('skiffWatcher', watcher)
context.put('skiffMavenPids', mavenPids)
println "workspace-lock: ${lockFile} locked by pid ${pid}"
return true
