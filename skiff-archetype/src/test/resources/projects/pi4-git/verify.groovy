// pi/4 with git: SkiffOS could not be reached, so there is one commit and no submodule. Then the
// successful case: the post-generate script, run on a copy, adds a reachable repository (this
// generated project itself, a file:// URL) as skiffos/ and commits it as a gitlink.
// archetype:integration-test binds 'basedir' (this directory) and 'context' (with projectDir).
projectDir = context.projectDir
def it = evaluate(new File(basedir, '../../it-support.groovy'))

String pom = new File(projectDir, 'pom.xml').text
assert pom.contains('<config>pi/4,skiff/core,lab_works/app</config>')
assert new File(projectDir, 'README.md').text.contains('mvn skiff:install -Dskiff.imageFile=disk.img')
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
return true
