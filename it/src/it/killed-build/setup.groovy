// Plays a user who stops Maven with `kill -9` in the middle of a build. A thread of the invoker's
// JVM waits until the forked Maven build reaches Buildroot (the TEST DOUBLE, whose first package
// sleeps BR2_DOUBLE_SLEEP seconds), records every process below that Maven JVM, and sends SIGKILL
// to the Maven JVM alone. No shutdown hook runs in a JVM killed that way.
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList

def sleepSeconds = '127' // BR2_DOUBLE_SLEEP in layers/acme/app/buildroot/10-app
def killed = new ConcurrentHashMap<String, Object>()
def build = new CopyOnWriteArrayList<ProcessHandle>()
def commandLines = new CopyOnWriteArrayList<String>() // read now: a dead process has none

def isDoubleSleep = { ProcessHandle p ->
    p.info().command().orElse('').endsWith('/sleep') && p.info().arguments().map { it as List }.orElse([]) == [sleepSeconds]
}
def watcher = new Thread({
    long deadline = System.nanoTime() + 600_000_000_000L
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
        def mavens = ProcessHandle.current().descendants().filter { ProcessHandle p ->
            p.info().commandLine().orElse('').contains('org.codehaus.plexus.classworlds.launcher.Launcher')
        }.toList()
        for (ProcessHandle maven : mavens) {
            if (maven.descendants().anyMatch { isDoubleSleep(it) }) {
                build.addAll(maven.descendants().toList())
                build.each { commandLines.add("${it.pid()} ${it.info().commandLine().orElse('?')}".toString()) }
                def kill = new ProcessBuilder('kill', '-KILL', Long.toString(maven.pid())).inheritIO().start()
                killed.put('status', kill.waitFor())
                killed.put('maven', maven)
                return
            }
        }
        try {
            Thread.sleep(20)
        } catch (InterruptedException e) {
            return
        }
    }
} as Runnable, 'killed-build-it-watcher')
watcher.daemon = true
watcher.start()
context.put('skiffWatcher', watcher)
context.put('skiffKilled', killed)
context.put('skiffBuild', build)
context.put('skiffCommandLines', commandLines)
return true
