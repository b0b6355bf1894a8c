// A typo in a layer name is a user mistake: a clear message with a suggestion, no stack trace.
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD FAILURE')
assert log.contains('unknown layer virt/qemo')
assert log.contains('Did you mean virt/qemu')
assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
assert !(log =~ /(?m)^\s+at [a-z]+\.[\w.$]+\(/) : 'a Java stack trace leaked into the build output'
assert !new File(basedir, 'workspaces/default/effective.json').exists()
return true
