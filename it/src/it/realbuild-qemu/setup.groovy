// Keys made for this run, none committed: the Ed25519 key the bundle is signed with, and the SSH
// key the boot test logs in with (its public half goes into the image, the SkiffOS way for
// dropbear: root's authorized_keys through the project's overrides/root_overlay).
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).directory(basedir).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "${cmd.join(' ')} failed: ${out}"
}
def keys = new File(basedir, 'target/keys')
keys.mkdirs()
if (!new File(keys, 'release.pem').isFile()) {
    run(['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', 'target/keys/release.pem'])
    run(['openssl', 'pkey', '-in', 'target/keys/release.pem', '-pubout', '-out', 'target/keys/release.pub.pem'])
}
if (!new File(keys, 'id_ed25519').isFile()) {
    run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'realbuild-qemu', '-f', 'target/keys/id_ed25519'])
}
def ssh = new File(basedir, 'overrides/root_overlay/root/.ssh')
ssh.mkdirs()
def auth = new File(ssh, 'authorized_keys')
auth.text = new File(keys, 'id_ed25519.pub').text
// dropbear refuses keys in a directory or file others can write.
run(['chmod', '700', ssh.path])
run(['chmod', '600', auth.path])
return true
