// Both offline builds stopped at Buildroot's first download, naming the package; before that,
// configure wrote exactly the .config that SkiffOS's own `make configure` writes for the chain.
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

File project = new File(basedir, '../archetype-skiffos/gen/acme-os').canonicalFile
File sk = new File(project, 'skiffos')
File home = new File(basedir, '../../skiff-home').canonicalFile

Map<String, String> chains = [pi4: 'pi/4,skiff/core', qemu: 'virt/qemu,skiff/core']
chains.each { ws, chain ->
    File wsDir = new File(project, 'workspaces/' + ws)
    File buildLog = new File(wsDir, 'build.log')
    assert buildLog.isFile() : 'the compile of ' + chain + ' started: ' + buildLog
    assert new File(wsDir, 'skiff/skiff_config').text.trim().endsWith(chain.split(',').last())

    // SkiffOS's own configure, as the oracle, in the same SkiffOS checkout and workspace name.
    def pb = new ProcessBuilder('make', 'configure').directory(sk).redirectErrorStream(true)
    pb.environment().clear()
    pb.environment().putAll([PATH: '/usr/local/bin:/usr/bin:/bin', HOME: System.getProperty('user.home'),
                             TERM: 'xterm', LANG: 'C', SKIFF_CONFIG: chain, SKIFF_WORKSPACE: ws])
    File oracleLog = new File(basedir, 'oracle-' + ws + '.log')
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
    println 'archetype-skiffos-package: ' + chain + ' configured exactly as SkiffOS does'
}

// The console of both builds: offline, Buildroot stopped at its first download and said which.
String out = new File(basedir, 'build.log').text
['pi4', 'qemu'].each { ws -> assert out.contains('Configuring workspace ' + ws) : 'no configure of ' + ws }
assert out.count('Offline (-o): Buildroot needs to download') >= 2 : 'both builds stop at the first download:\n' + out.readLines().takeRight(40).join('\n')
assert (out =~ /Offline \(-o\): Buildroot needs to download \S+ for package [a-z0-9-]+/).find()
assert out.contains('SkiffOS pins its Buildroot at commit') : 'the tree-mismatch warning names the gitlink'
return true
