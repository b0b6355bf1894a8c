// Shared by archetype-skiffos-pi4 and archetype-skiffos-qemu (evaluated from their verify.groovy):
// the offline build of the generated project stopped at Buildroot's first download, naming the
// package; before that, configure wrote exactly the .config SkiffOS's own `make configure` writes.
import java.util.concurrent.TimeUnit

return { File itDir, String ws, String chain ->
    File project = new File(itDir, '../archetype-skiffos/gen/acme-os').canonicalFile
    File sk = new File(project, 'skiffos')
    File home = new File(itDir, '../../skiff-home').canonicalFile
    File wsDir = new File(project, 'workspaces/' + ws)
    File itLog = new File(itDir, 'build.log')
    assert new File(wsDir, 'build.log').isFile() : 'the compile of ' + chain + ' did not start in ' + wsDir + '; the build said:\n' + (itLog.isFile() ? itLog.readLines().takeRight(40).join('\n') : '(no build.log)')
    assert new File(wsDir, 'skiff/skiff_config').text.trim().endsWith(chain.split(',').last())

    // SkiffOS's own configure, as the oracle, in the same SkiffOS checkout and workspace name.
    def pb = new ProcessBuilder('make', 'configure').directory(sk).redirectErrorStream(true)
    pb.environment().clear()
    pb.environment().putAll([PATH: '/usr/local/bin:/usr/bin:/bin', HOME: System.getProperty('user.home'),
                             TERM: 'xterm', LANG: 'C', SKIFF_CONFIG: chain, SKIFF_WORKSPACE: ws])
    File oracleLog = new File(itDir, 'oracle.log')
    pb.redirectOutput(oracleLog)
    Process p = pb.start()
    assert p.waitFor(20, TimeUnit.MINUTES) && p.exitValue() == 0 : "SkiffOS's make configure failed: " + oracleLog.readLines().takeRight(30).join('\n')

    def norm = { String text ->
        [[new File(sk, 'workspaces/.config_' + ws).path + '/', '@FINAL@/'], [new File(wsDir, 'skiff').path, '@FINAL@'],
         [new File(sk, 'workspaces/' + ws).path, '@WS@'], [wsDir.path, '@WS@'],
         [new File(sk, 'workspaces/.ccache/' + ws).path, '@CCACHE@'], [new File(home, 'ccache').path, '@CCACHE@'],
         [new File(sk, 'overrides').path, '@OVERRIDES@'], [new File(project, 'overrides').path, '@OVERRIDES@']].each { pair ->
            text = text.replace(pair[0], pair[1])
        }
        while (text.contains('//')) text = text.replace('//', '/')
        return text
    }
    ['final/buildroot', 'kernel/config', 'uboot/config', 'busybox/config', 'users'].each { f ->
        File theirs = new File(sk, 'workspaces/.config_' + ws + '/' + f)
        File ours = new File(wsDir, 'skiff/' + f)
        String e = theirs.exists() ? norm(theirs.text) : ''
        String a = ours.exists() ? norm(ours.text) : ''
        if (e != a) {
            def el = e.readLines() as Set, al = a.readLines() as Set
            assert false : chain + ': ' + f + ' differs from SkiffOS\'s:\n' + ((el - al).collect { '- ' + it } + (al - el).collect { '+ ' + it }).take(40).join('\n')
        }
    }

    // The build's console: configure with SkiffOS's Buildroot warning, then the first download refused.
    String out = new File(itDir, 'build.log').text
    assert out.contains('Configuring workspace ' + ws)
    assert out.contains('SkiffOS 90392558 pins its Buildroot at commit') || out.contains('pins its Buildroot at commit') : 'the tree-mismatch warning names the gitlink'
    // Once per build, though skiff:buildroot, configure and compile each locate the tree.
    def builds = out.readLines().findAll { it.contains('--- skiff:') && it.contains(':configure ') }.size()
    def warned = out.readLines().findAll { it.contains('pins its Buildroot at commit') }.size()
    assert builds > 0 && warned == builds : "the tree-mismatch warning ${warned} times in ${builds} build(s)"

    assert (out =~ /Offline \(-o\): Buildroot needs to download \S+ for package [a-z0-9-]+/).find() : 'the build did not stop at the first download:\n' + out.readLines().takeRight(30).join('\n')
    assert !out.contains('\tat dev.skiff') : 'a stack trace of the plugin leaked'
    println 'archetype-skiffos: ' + chain + ' configured exactly as SkiffOS does, then stopped at the first download'
    return true
}
