// skiff:layers lists the project's own layers (with description and dependencies) before the
// stock library, and hides metadata/unlisted layers unless -Dskiff.all=true.
def log = new File(basedir, 'build.log').getText('UTF-8')
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).findAll { it.contains('BUILD ') }
assert runs.size() == 2 : "expected two Maven runs in build.log, found ${runs.size()}"
def (plain, all) = runs

def layerLine = { String text, String name ->
    text.readLines().find { it ==~ /\[INFO\]\s+\Q${name}\E\s+.*/ }
}

for (run in runs) {
    assert run.contains('BUILD SUCCESS')
    assert run.contains('Layers by root, in search order (the first root that defines a name wins):')
    def app = layerLine(run, 'acme/app')
    assert app != null : 'acme/app is not listed'
    assert app.contains('Acme demo application layer') : "no description: ${app}"
    assert app.contains('[needs skiff/core]') : "no dependencies: ${app}"
    for (stock in ['virt/qemu', 'skiff/core', 'base/pre']) {
        assert layerLine(run, stock) != null : "stock layer ${stock} is not listed"
    }
    assert layerLine(run, 'virt/qemu').contains('QEMU') : 'virt/qemu has lost its description'
    // The project's root is searched first, then the stock library; each layer is under its root.
    int projectAt = run.indexOf('[INFO] project (')
    int stockAt = run.indexOf('[INFO] stock skiff-layers ')
    assert projectAt >= 0 && stockAt > projectAt : 'roots not listed in search order'
    assert run.indexOf(app) > projectAt && run.indexOf(app) < stockAt : 'acme/app is not under the project root'
    assert run.indexOf(layerLine(run, 'virt/qemu')) > stockAt : 'virt/qemu is not under the stock root'
    assert run =~ /Base layers: base\/pre = \S+ \[stock skiff-layers/
}

assert layerLine(plain, 'acme/hidden') == null : 'acme/hidden is unlisted but was listed'
assert !plain.contains('acme/hidden')
// The stock library has unlisted layers of its own: count them from the -Dskiff.all=true run.
def unlistedCount = all.readLines().count { it ==~ /\[INFO\]\s+[a-z0-9_]+\/[a-z0-9_]+\s+.*\(unlisted\).*/ }
assert unlistedCount >= 1
assert plain.contains("${unlistedCount} unlisted layer(s) hidden; -Dskiff.all=true shows them.") : "expected ${unlistedCount} hidden layers"

def hidden = layerLine(all, 'acme/hidden')
assert hidden != null : 'acme/hidden is not listed with -Dskiff.all=true'
assert hidden.contains('Acme internal tooling') && hidden.contains('(unlisted)') : hidden
assert !all.contains('unlisted layer(s) hidden')
return true
