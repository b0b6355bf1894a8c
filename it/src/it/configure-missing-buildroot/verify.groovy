// Without a Buildroot tree, configure fails and says how to get one.
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD FAILURE')
assert log.contains('No Buildroot tree found')
assert log.contains('git submodule update --init')
assert log.contains('-Dskiff.buildroot')
assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
// Nothing half-written is left behind.
assert !new File(basedir, 'workspaces/default/.config').exists()
assert !new File(basedir, 'workspaces/default/skiff').exists()
return true
