// skiff:configure against real Buildroot: the merged defconfig survives `make defconfig`
// whole, and the final config directory is complete.
def log = new File(basedir, 'build.log').getText('UTF-8')
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).findAll { it.contains('BUILD ') }
assert runs.size() == 2 : "expected two Maven runs in build.log, found ${runs.size()}"
runs.each { assert it.contains('BUILD SUCCESS') }
assert runs[0] =~ /Configuring workspace default with Buildroot 2026\.02\.3 /
assert runs[0].contains('[INFO] Chain: virt/qemu,apps/runc,apps/containerd,apps/docker,skiff/core')

def ws = new File(basedir, 'workspaces/default')
def dotConfig = new File(ws, '.config')
assert dotConfig.isFile() : "${dotConfig} was not written"
def config = dotConfig.readLines('UTF-8')
assert config.contains('BR2_x86_64=y')
assert config.contains('BR2_PACKAGE_DOCKER_ENGINE=y')

def fin = new File(ws, 'skiff')
def report = new File(fin, 'report.txt')
assert report.isFile()
assert report.getText('UTF-8').readLines().any { it.startsWith('Dropped symbols: 0') } : report.text
assert new File(fin, 'final/buildroot').isFile()
assert new File(fin, 'final/buildroot').readLines('UTF-8').contains('BR2_PACKAGE_DOCKER_ENGINE=y')
assert new File(fin, 'skiff_config').getText('UTF-8').trim() == 'virt/qemu,apps/runc,apps/containerd,apps/docker,skiff/core'
assert new File(fin, 'buildroot/config').isFile()

// Unchanged inputs: the second run skips make entirely.
assert runs[1].contains('Configuration unchanged (fingerprint ')
return true
