// A mistyped skiff.* property is reported as a WARNING naming it and the property meant.
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('BUILD SUCCESS')
def warning = log.readLines().find { it.startsWith('[WARNING]') && it.contains('skiff.confg') }
assert warning != null : 'no WARNING names -Dskiff.confg'
assert warning =~ /\bskiff\.config\b/ : "the warning does not suggest skiff.config: ${warning}"
// Known properties are not warned about (skiff.home is passed to every IT).
assert !log.contains('Unknown property -Dskiff.home')
return true
