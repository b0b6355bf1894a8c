// In batch mode the progress is plain INFO lines: no escape codes, no footer rewriting, and
// exactly one progress line per `>>>` step of Buildroot's log, in the same order.
def log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines()
assert log.contains('BUILD SUCCESS')
assert !log.contains('\u001B') : 'an escape character reached the Maven log in batch mode'

// The double did emit bold codes around its >>> lines (TERM was set), so the plugin removed them.
def buildLog = new File(basedir, 'workspaces/default/build.log').readLines('UTF-8')
def ansi = /\u001B(\[[0-9;?]*[A-Za-z]|\([A-Z0-9])/
def steps = buildLog.findAll { it.replaceAll(ansi, '').startsWith('>>>') }
assert !steps.isEmpty()
assert steps.every { it.contains('\u001B') } : 'the test double did not emit terminal codes; TERM did not reach it'
steps = steps.collect { it.replaceAll(ansi, '') }

// The expected progress line for each step: packages count up from 1 as each one starts.
def packages = []
def expected = steps.collect { String s ->
    def m = s =~ /^>>> (\S+) (\S+) (.+)$/
    if (m.matches()) {
        if (!packages.contains(m.group(1))) packages << m.group(1)
        def step = m.group(3)
        return "${packages.size()}/TOTAL] ${m.group(1)} ${m.group(2)} ${step[0].toLowerCase()}${step.substring(1)}".toString()
    }
    return "] ${s.replaceFirst(/^>>>\s+/, '')}".toString()
}
def total = packages.size()
// busybox (default), network-manager, openssh and openssl with libopenssl (base/pre), htop and nano
// (acme/app): the total from show-info.
def showInfo = new groovy.json.JsonSlurper().parse(new File(basedir, 'workspaces/default/show-info.json'), 'UTF-8')
assert packages == ['busybox', 'htop', 'libopenssl', 'nano', 'network-manager', 'openssh', 'openssl'] && showInfo.size() == total : packages
expected = expected.collect { it.replace('TOTAL', "${total}") }

def progress = lines.findAll { it ==~ /^\[INFO\] \[[ \d]+(\/\d+)?\] .*/ }
assert progress.size() == steps.size() : "${progress.size()} progress lines for ${steps.size()} >>> steps:\n${progress.join('\n')}"
[progress, expected].transpose().each { p, e ->
    assert p.endsWith(e) : "progress line '${p}' does not match step '${e}'"
}
return true
