// A layer hook that fails stops the build: the hook runner post_build.sh names the layer, the
// hook script and its status, later hooks do not run, and Maven shows it without a stack trace.
def log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines()
assert log.contains('BUILD FAILURE')
def ws = new File(basedir, 'workspaces/default').absoluteFile.toPath().normalize().toFile()
def layers = new File(basedir, 'layers').absoluteFile.toPath().normalize().toFile()

// The hooks before the failing one ran; the failing one ran; the one after did not.
assert new File(ws, 'hooks.log').readLines('UTF-8') == [
        "acme/app pre ${ws}/target",
        "acme/app post ${ws}/images",
]*.toString()

def error = lines.findAll { it.startsWith('[ERROR]') }.join('\n')
assert error =~ /Failed to execute goal dev\.skiff:skiff-maven-plugin:\S+:compile \(default-compile\)/
def hookMessage = "skiff: hook ${layers}/acme/app/hooks/post.sh of acme/app failed with status 7".toString()
assert error.contains(hookMessage) : error
assert error.contains('acme/app: cannot sign the images') : 'the hook\'s own error output is not shown'
assert error =~ /Buildroot failed in step 'Executing post-image script \S+\/post_build\.sh'/ : error
assert new File(ws, 'build.log').getText('UTF-8').contains(hookMessage)

assert !log.contains('\tat dev.skiff') && !log.contains('SkiffException') : 'a stack trace of the plugin leaked'
assert !(log =~ /:package \(default-package\)/)
assert !new File(basedir, 'target/hook-failure-1.0.tar').exists()
return true
