// pi/4 with git: SkiffOS could not be reached, so there is one commit and no submodule. Then the
// successful case: the post-generate script, run on a copy, adds a reachable repository (this
// generated project itself, a file:// URL) as skiffos/ and commits it as a gitlink.
// archetype:integration-test binds 'basedir' (this directory) and 'context' (with projectDir).
projectDir = context.projectDir
def it = evaluate(new File(basedir, '../../it-support.groovy'))

String pom = new File(projectDir, 'pom.xml').text
assert pom.contains('<config>pi/4,skiff/core,lab_works/app</config>')
assert new File(projectDir, 'README.md').text.contains('./mvnw skiff:install -Dskiff.imageFile=disk.img')
assert new File(projectDir, 'layers/lab_works/app/root_overlay/etc/lab_works-release').text.contains('BOARD=pi/4')
assert !new File(projectDir, '.gitmodules').exists() && !new File(projectDir, 'skiffos').exists()

def Git = it.jgit()
def git = Git.open(projectDir)
try {
    def log = git.log().call().toList()
    assert log.size() == 1 && log[0].fullMessage.startsWith('New Skiff project lab-os (pi/4, lab_works/app)')
    def tree = it.headTree(git)
    assert tree['layers/lab_works/app/hooks/post.sh'][0] == '100755'
    assert tree['pom.xml'][0] == '100644'
    assert tree.containsKey('overrides/README.md') && tree.containsKey('.gitignore')
    assert !tree.keySet().any { it.startsWith('workspaces/') }
} finally {
    git.close()
}

// The successful submodule add, from a file:// URL (offline and fast).
File out = it.tempDir('git-ok')
File dir = it.copyProject(projectDir, new File(out, 'lab-os'))
new File(dir, 'layers/lab_works/app/hooks/post.sh').setExecutable(false, false)
String url = 'file://' + projectDir.absolutePath
Throwable e = it.runPostGenerate([vendor: 'lab_works', board: 'pi/4', skiffosUrl: url, skipGit: 'false'], out, 'lab-os')
assert e == null : "post-generate failed: " + e
assert new File(dir, '.gitmodules').text.contains('path = skiffos') && new File(dir, '.gitmodules').text.contains('url = ' + url)
assert new File(dir, 'skiffos/pom.xml').text.contains('<artifactId>lab-os</artifactId>') : "submodule not checked out"
assert new File(dir, 'skiffos/.git').text.trim() == 'gitdir: ../.git/modules/skiffos'
git = Git.open(dir)
try {
    assert git.log().call().toList().size() == 1
    def tree = it.headTree(git)
    assert tree['skiffos'][0] == '160000' : "skiffos is not a gitlink: " + tree['skiffos']
    assert tree['.gitmodules'][0] == '100644'
    assert tree['layers/lab_works/app/hooks/post.sh'][0] == '100755'
    assert git.status().call().isClean() : "uncommitted: " + git.status().call().uncommittedChanges
} finally {
    git.close()
}
println "Submodule added and committed in " + dir
out.deleteDir()

// A SkiffOS board: checked against the cloned SkiffOS's configs/. A small SkiffOS-shaped
// repository stands in for the URL here (the real SkiffOS flow is it/src/it/archetype-skiffos).
File sk = it.tempDir('skiffos-repo')
['configs/odroid/xu4/metadata/description', 'configs/pi/4/metadata/description',
 'configs-base/pre/buildroot/arch', 'configs-base/post/buildroot/config'].each { f ->
    File x = new File(sk, f); x.parentFile.mkdirs(); x.text = '# ' + f + '\n'
}
def skGit = Git.init().setDirectory(sk).setInitialBranch('master').call()
skGit.add().addFilepattern('.').call()
skGit.commit().setMessage('skiffos').setAuthor('t', 't@example.com').setCommitter('t', 't@example.com').setSign(false).call()
skGit.close()
String skUrl = 'file://' + sk.absolutePath
File out2 = it.tempDir('skiffos-board')
File dir2 = it.copyProject(projectDir, new File(out2, 'lab-os'))
e = it.runPostGenerate([vendor: 'lab_works', board: 'odroid/xu4', skiffosUrl: skUrl, skipGit: 'false'], out2, 'lab-os')
assert e == null : "a SkiffOS board must be accepted: " + e
assert new File(dir2, 'skiffos/configs/odroid/xu4').isDirectory()
out2.deleteDir()
File out3 = it.tempDir('skiffos-bad-board')
File dir3 = it.copyProject(projectDir, new File(out3, 'lab-os'))
e = it.runPostGenerate([vendor: 'lab_works', board: 'odroid/xu44', skiffosUrl: skUrl, skipGit: 'false'], out3, 'lab-os')
assert e instanceof IllegalArgumentException : "an unknown board must fail clearly: " + e
['odroid/xu44', 'Did you mean odroid/xu4', '-Dboard=odroid/xu4', 'removed'].each { w -> assert e.message.contains(w) : e.message }
assert !dir3.exists() : "partial project left in " + dir3
out3.deleteDir()
sk.deleteDir()
return true
