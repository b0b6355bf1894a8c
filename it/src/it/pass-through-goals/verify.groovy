// The pass-through goals, one Maven run each (see invoker.properties).
def log = new File(basedir, 'build.log').getText('UTF-8')
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).findAll { it.contains('BUILD ') }
assert runs.size() == 7 : "expected seven Maven runs, found ${runs.size()}"
def (build, cmd, typo, br, source, cleanNo, cleanYes) = runs
def layer = new File(basedir, 'layers/acme/app').canonicalPath

assert build.contains('BUILD SUCCESS')

assert cmd.contains('BUILD SUCCESS')
assert cmd.contains("hello from ${layer} in workspace default (acme/app)")

assert typo.contains('BUILD FAILURE')
assert typo.contains('unknown command acme/app/helo')
assert typo.contains('Did you mean acme/app/hello?')
assert typo.contains('acme/app/hello  (Print the workspace and layer this command runs in)')

assert br.contains('BUILD SUCCESS')
assert br =~ /\[INFO\] \[\s*\d+\/\d+\] \S+ \S+ downloading/
assert br.contains('br.log')

assert source.contains('BUILD FAILURE')
assert source.contains('skiff:source downloads sources and cannot run in offline mode (-o)')

assert cleanNo.contains('BUILD FAILURE')
assert cleanNo.contains('confirm with -Dskiff.yes=true')
assert cleanYes.contains('BUILD SUCCESS')
assert cleanYes.contains('Deleted workspace default')
// Everything goes but the lock file: another build may hold it open, waiting (see WorkspaceLock).
def left = new File(basedir, 'workspaces/default').list() as List
assert left == ['.skiff.lock'] : "skiff:clean left ${left}"


for (run in runs) assert !(run =~ /(?m)^\s+at dev\.skiff\./) : 'a stack trace reached the log'
return true
