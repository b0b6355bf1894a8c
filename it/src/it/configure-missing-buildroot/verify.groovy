// Without a Buildroot tree, configure fails and says how to get one.
def log = new File(basedir, 'build.log').getText('UTF-8')
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).findAll { it.contains('BUILD ') }
assert runs.size() == 2 : "expected two Maven runs in build.log, found ${runs.size()}"
def (badUrl, offline) = runs
runs.each { assert it.contains('BUILD FAILURE') }

// Offline: nothing to clone from; the exact git command and the -D alternative.
assert offline.contains('No Buildroot tree for this project')
assert offline.contains('Maven is offline (-o)')
assert offline.contains('git clone --depth 1 --branch 2026.02.3 https://gitlab.com/buildroot.org/buildroot.git')
assert offline.contains('-Dskiff.buildroot=')
assert !offline.contains('Cloning Buildroot') : 'offline, nothing may be cloned'

// Online from a URL that does not answer: the URL and the command, and nothing half-cloned.
assert badUrl.contains('cannot clone Buildroot 2026.02.3 from file:///nonexistent/skiff-it/buildroot.git')
assert badUrl.contains('git clone --depth 1 --branch 2026.02.3 file:///nonexistent/skiff-it/buildroot.git')
def cache = new File(basedir, '../../skiff-home/buildroot/2026.02.3')
assert !cache.exists() : 'a half-made clone was left in ' + cache

assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
// Nothing half-written is left behind.
assert !new File(basedir, 'workspaces/default/.config').exists()
assert !new File(basedir, 'workspaces/default/skiff').exists()
return true
