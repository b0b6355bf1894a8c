// skiff:verify resolves the deployed images by coordinates from the file repositories (release
// and timestamped snapshot), checks every file against the bundle's manifest and lists each one
// as ok; a bundle altered after deployment fails, naming the changed file.
def log = new File(basedir, 'build.log').getText('UTF-8')
// One forked build per invocation (see invoker.properties); the text before the first one is the
// pre-build script's.
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).drop(1)
assert runs.size() == 3 : "expected 3 invocations, found ${runs.size()}"
def deployRepo = new File(basedir, '../deploy-generated/repo').canonicalFile
def tamperedRepo = new File(basedir, '../deploy-generated/tampered-repo').canonicalFile
def ga = 'com/acme/it/acme-os'
def local = new File(localRepositoryPath, ga)

/** The "  <path>: ok" lines skiff:verify logs, per file. */
def okFiles = { String run -> (run =~ /(?m)^\[INFO\]   (\S+): ok$/).collect { it[1] } as Set }
// virt/qemu's A/B layout: GRUB's configuration and environment for the EFI partition come with the image.
def expectedFiles = ['build-info.txt', 'bzImage', 'efi-part/EFI/BOOT/grub.cfg', 'efi-part/EFI/BOOT/grubenv', 'rootfs.cpio.gz'] as Set

// --- 1. release 1.0.0, downloaded from it-deploy ----------------------------------------------
def release = runs[0]
assert release.contains('BUILD SUCCESS') : release
assert release =~ /--- skiff:\S+:verify \(default-cli\) @ resolve-deployed ---/
assert release =~ /Downloaded from it-deploy: file:\S+\/deploy-generated\/repo\/com\/acme\/it\/acme-os\/1\.0\.0\/acme-os-1\.0\.0\.tar/
        : 'the release bundle was not downloaded from the file repository'
def relLocal = new File(local, '1.0.0/acme-os-1.0.0.tar')
assert relLocal.bytes == new File(deployRepo, "${ga}/1.0.0/acme-os-1.0.0.tar").bytes
assert new File(local, '1.0.0/_remote.repositories').getText('UTF-8').contains('acme-os-1.0.0.tar>it-deploy=')
assert release.contains("[INFO] Image ${relLocal.absolutePath}: board virt/qemu, chain "
        + 'virt/qemu,apps/runc,apps/containerd,apps/docker,skiff/core,acme/app, project 1.0.0')
assert okFiles(release) == expectedFiles : okFiles(release)
assert release.contains('All 5 entries match the manifest.')
assert !release.contains('[ERROR]')

// --- 2. snapshot 1.0.0-SNAPSHOT: metadata, then the timestamped bundle ------------------------
def snapshot = runs[1]
assert snapshot.contains('BUILD SUCCESS') : snapshot
assert snapshot =~ /Downloaded from it-deploy: \S+\/1\.0\.0-SNAPSHOT\/maven-metadata\.xml/
def timestamped = (snapshot =~ /Downloaded from it-deploy: \S+\/1\.0\.0-SNAPSHOT\/(acme-os-1\.0\.0-\d{8}\.\d{6}-1\.tar)/)
assert timestamped.find() : 'the timestamped snapshot bundle was not downloaded from the file repository'
def snapDeployed = new File(deployRepo, "${ga}/1.0.0-SNAPSHOT/${timestamped.group(1)}")
assert snapDeployed.isFile()
assert snapshot =~ /\[INFO\] Image \S+: board virt\/qemu, chain \S+acme\/app, project 1\.0\.0-SNAPSHOT/
def snapImage = (snapshot =~ /\[INFO\] Image (\S+): board/)
assert snapImage.find()
assert new File(snapImage.group(1)).bytes == snapDeployed.bytes : 'skiff:verify checked something else than the deployed snapshot'
assert okFiles(snapshot) == expectedFiles : okFiles(snapshot)
assert snapshot.contains('All 5 entries match the manifest.')

// --- 3. 1.0.1 from it-tampered: resolved fine (consistent checksums), rejected by skiff:verify --
def tampered = runs[2]
assert tampered.contains('BUILD FAILURE') : tampered
assert tampered.contains("Downloaded from it-tampered: ") && tampered.contains('/1.0.1/acme-os-1.0.1.tar')
assert new File(local, '1.0.1/acme-os-1.0.1.tar').bytes == new File(tamperedRepo, "${ga}/1.0.1/acme-os-1.0.1.tar").bytes
// The altered file is named, with what the manifest expected and what was found ...
assert tampered =~ /(?m)^\[ERROR\]   rootfs\.cpio\.gz: changed; expected sha256 [0-9a-f]{64}.*, found sha256 [0-9a-f]{64}/ : tampered
// ... the others still pass ...
assert okFiles(tampered) == expectedFiles - 'rootfs.cpio.gz' : okFiles(tampered)
// ... and the failure says so, without a Java stack trace of the plugin.
assert tampered.contains('failed verification: 1 of 5 entries do not match')
assert !tampered.contains('All 5 entries match the manifest.')
assert !log.contains('\tat dev.skiff') : 'a Java stack trace of the plugin leaked into the build output'
return true
