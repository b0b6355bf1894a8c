// Default IT: the defaults, the executable hook, no git; then the post-generate script's
// validation against bad values (each must fail with the property, the valid values and the
// nearest one, and leave nothing of the generation behind).
import java.nio.file.Files

// archetype:integration-test binds 'basedir' (this directory) and 'context' (with projectDir).
projectDir = context.projectDir
def it = evaluate(new File(basedir, '../../it-support.groovy'))

File hook = new File(projectDir, 'layers/acme/app/hooks/post.sh')
assert Files.isExecutable(hook.toPath()) : "executable bit not restored on " + hook
assert !new File(projectDir, '.git').exists() : "skipGit=true must not create a git repository"
assert new File(projectDir, 'pom.xml').text.contains('<config>virt/qemu,skiff/core,acme/app</config>')

// The board list of the script names real stock layers.
String script = it.postGenerate.text
def boards = (script =~ /BOARDS = \[([^\]]*)\]/)[0][1].findAll(/'([^']+)'/) { all, b -> b }
assert boards.size() == 13 && boards[0] == 'virt/qemu'
boards.each { b ->
    assert new File(it.module, '../skiff-layers/src/main/layers/' + b + '/metadata/description').isFile() : "no stock layer " + b
}

Map good = [vendor: 'acme', board: 'virt/qemu', skiffosUrl: 'file:///nonexistent', skipGit: 'true']
def expectFailure = { Map bad, List<String> words ->
    File out = it.tempDir('invalid')
    File dir = it.copyProject(projectDir, new File(out, 'acme-os'))
    // What a generation with that vendor would have written.
    if (bad.vendor) {
        new File(dir, 'layers/acme').renameTo(new File(dir, 'layers/' + bad.vendor))
        File release = new File(dir, 'layers/' + bad.vendor + '/app/root_overlay/etc/acme-release')
        release.renameTo(new File(release.parentFile, bad.vendor + '-release'))
        File core = new File(dir, 'layers/' + bad.vendor + '/app/root_overlay/opt/skiff/coreenv/acme')
        core.renameTo(new File(core.parentFile, bad.vendor))
    }
    File mine = new File(dir, 'notes.txt')   // a file that was there before: it must survive
    if (bad.keepUserFile) mine.text = 'mine'
    Throwable e = it.runPostGenerate(good + bad.findAll { k, v -> k != 'keepUserFile' }, out, 'acme-os')
    assert e != null : "expected " + bad + " to fail"
    assert e instanceof IllegalArgumentException : "not a clear failure: " + e
    words.each { w -> assert e.message.contains(w) : "message lacks '" + w + "': " + e.message }
    if (bad.keepUserFile) {
        assert mine.isFile() && dir.list() as List == ['notes.txt'] : "left: " + dir.list()
    } else {
        assert !dir.exists() : "partial project left in " + dir + ": " + dir.list()
    }
    println "Rejected as expected: " + e.message.readLines().drop(1).join(' | ')
    out.deleteDir()
}
expectFailure([vendor: 'Acme-Corp'], ['vendor', 'Acme-Corp', '[a-z0-9_]+', '-Dvendor=acme_corp'])
// A board is any <category>/<name> (SkiffOS's boards are checked once SkiffOS is cloned, see
// pi4-git); a malformed name fails at once, with the stock boards and the nearest one.
expectFailure([board: 'Pi/4', keepUserFile: 'yes'], ['board', 'Pi/4', '<category>/<name>', 'virt/qemu, virt/docker', 'Did you mean pi/4', '-Dboard=pi/4'])
expectFailure([board: 'raspberrypi4'], ['board', 'intel/desktop', 'skiff:layers'])
expectFailure([skipGit: 'yes'], ['skipGit', 'true or false'])
expectFailure([vendor: 'ACME', board: 'qemu'], ['vendor', 'board', 'virt/qemu'])
return true
