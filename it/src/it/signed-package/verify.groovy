// A signed bundle end to end through Maven: SettingsDecrypter gives the engine the passphrase,
// the bundle carries skiff-image.sha256 and skiff-image.sig, the signature is attached, and
// skiff:verify accepts the trusted key and refuses another.
def log = new File(basedir, 'build.log').getText('UTF-8')
def runs = log.split(/(?m)^\[INFO\] Scanning for projects\.\.\.$/).drop(1)
assert runs.size() == 4 : "expected 4 invocations, found ${runs.size()}"

def bundle = new File(basedir, 'target/signed-package-1.0.tar')
def keyFile = new File(basedir, 'keys/release.pem').absoluteFile.toPath().normalize()
assert runs[0].contains('BUILD SUCCESS') : runs[0]
assert runs[0].contains("MiB, signed with ${keyFile})") : runs[0]
def sig = new File(basedir, 'target/signed-package-1.0-signature.sig')
assert sig.isFile() && sig.length() == 64
assert runs[0].contains("Signature: ${sig.absoluteFile.toPath().normalize()} (classifier signature)") : runs[0]

// The bundle's entries, by GNU tar: the signature entries follow the manifest.
def names = ['tar', '-tf', bundle.path].execute().text.readLines()
assert names.takeRight(3) == ['skiff-image.json', 'skiff-image.sha256', 'skiff-image.sig'] : names
def inBundle = ['tar', '-xOf', bundle.path, 'skiff-image.sig'].execute().inputStream.bytes
assert inBundle == sig.bytes : 'the attached signature is the bundle\'s'

assert runs[1].contains('BUILD SUCCESS') : runs[1]
assert runs[1] =~ /is signed by trusted key SHA256:[0-9a-f]{16} \(\S+keys\/release\.pub\.pem line 1\)/ : runs[1]

assert runs[2].contains('BUILD FAILURE') : runs[2]
assert runs[2].contains('its signature does not verify with any of the 1 keys in skiff.trustedKeys') : runs[2]
assert !runs[2].contains('\tat dev.skiff') : 'a user mistake must not show a stack trace'

assert runs[3].contains('BUILD FAILURE') : runs[3]
assert runs[3].contains("skiff.signingServerId 'skiff-it-nope' names no <server> in settings.xml") : runs[3]
return true
