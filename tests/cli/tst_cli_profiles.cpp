// The command line's profiles and keychain, end to end: the real zenml-pro-admin executable
// against a real sandbox, with a real Secret Service (gnome-keyring in a private D-Bus session,
// see tests/session/with-secret-service.sh) and a throw-away settings directory shared with
// this process, which plays the window's part through the same ProfileStore and SecretStore.
// Without that wrapper only the cases that need no keychain run.

#include "session/SecretStore.h"
#include "session/ServerProfile.h"
#include "support/SandboxFixture.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using zenml::session::ProfileStore;
using zenml::session::SecretStore;
using zenml::session::ServerProfile;
using zenml::session::Session;
using Status = SecretStore::Result::Status;

namespace {

// Distinctive, so that a search of every file and every output line cannot miss them.
const QString kAdminPassword = QStringLiteral("Adm1n-keychain-Pa55word!");
const QString kApiKey = QStringLiteral("zenml-test-api-key-7c1e9a");
const char* const kNeedsKeyring
    = "no Secret Service: this runs through tests/session/with-secret-service.sh";

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
    qint64 elapsedMs = 0;
};

std::optional<SecretStore::Result> readSecret(const QString& key)
{
    SecretStore store;
    QObject context;
    std::optional<SecretStore::Result> result;
    store.read(key, &context, [&](const SecretStore::Result& r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000);
    return result;
}

bool writeSecret(const QString& key, const QString& secret)
{
    SecretStore store;
    QObject context;
    std::optional<SecretStore::Result> result;
    store.write(key, secret, &context, [&](const SecretStore::Result& r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 15000);
    return result && result->ok();
}

// The profile as another process left it: the settings are read again from the file.
std::optional<ServerProfile> savedProfile(const QString& name)
{
    QSettings settings;
    settings.sync();
    return ProfileStore(&settings).profile(name);
}

} // namespace

class TestCliProfiles final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void loginRememberStoresTheSecret();
    void listUsesTheKeychain();
    void commandLineOverridesTheProfile();
    void logoutForgetsTheSecret();
    void loginWithoutRememberKeepsNoSecret();
    void windowProfileWorksFromTheCommandLine();
    void tokenProfile();
    void rememberWithoutProfileNamesItAfterTheHost();
    void forgetProfileRemovesIt();
    void unknownProfileIsAUsageError();
    void noSessionBusStillSignsIn();
    void secretsNeverInSettingsOrOutput();

private:
    CliRun run(const QStringList& arguments, const QByteArray& input = {},
        const QProcessEnvironment& extra = {});
    QProcessEnvironment cleanEnvironment() const;
    QString executable() const;
    QStringList withServer(QStringList arguments) const
    {
        return arguments << QStringLiteral("--server") << m_sandbox.apiRoot.toString();
    }
    QStringList asAdmin(QStringList arguments) const
    {
        return withServer(arguments) << QStringLiteral("--username") << m_sandbox.username
                                     << QStringLiteral("--password-stdin");
    }

    QTemporaryDir m_config;
    RunningSandbox m_sandbox;
    bool m_haveKeyring = false;
    QStringList m_outputs; // everything every run printed, searched for secrets at the end
};

// --- helpers ---

QString TestCliProfiles::executable() const
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("zenml-pro-admin"));
}

QProcessEnvironment TestCliProfiles::cleanEnvironment() const
{
    // XDG_CONFIG_HOME (set in initTestCase) goes along: the child reads this test's settings.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : { "ZENML_SERVER", "ZENML_USERNAME", "ZENML_PASSWORD", "ZENML_TOKEN",
             "ZENML_PROFILE", "QT_LOGGING_RULES" })
        environment.remove(QString::fromLatin1(name));
    return environment;
}

CliRun TestCliProfiles::run(
    const QStringList& arguments, const QByteArray& input, const QProcessEnvironment& extra)
{
    QProcessEnvironment environment = cleanEnvironment();
    const QStringList keys = extra.keys();
    for (const QString& key : keys)
        environment.insert(key, extra.value(key));

    // Standard input is a pipe, never a terminal: nothing can be asked.
    QProcess process;
    process.setProcessEnvironment(environment);
    QElapsedTimer clock;
    clock.start();
    process.start(executable(), arguments);
    CliRun result;
    if (!process.waitForStarted(10000)) {
        result.err = process.errorString();
        return result;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished(2000);
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.elapsedMs = clock.elapsed();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    m_outputs << result.out << result.err;
    return result;
}

// --- set-up ---

void TestCliProfiles::initTestCase()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    QVERIFY2(QFileInfo::exists(executable()), qPrintable(executable()));
    QVERIFY(m_config.isValid());
    // The program's own names, so that this process reads and writes the very settings file
    // and keychain entries the command line does.
    qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("ZenML"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("zenml.io"));
    QCoreApplication::setApplicationName(QStringLiteral("ZenML Pro Admin"));
    QLoggingCategory::setFilterRules(QStringLiteral("zenml.*.info=false"));
    m_haveKeyring = qEnvironmentVariableIsSet("ZENML_TEST_SECRET_SERVICE");

    m_sandbox = startSandbox(
        { QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--pbkdf2-rounds"),
            QStringLiteral("1000"), QStringLiteral("--api-key"), kApiKey },
        kAdminPassword);
    QVERIFY2(m_sandbox.isReady(), qPrintable(m_sandbox.error));
    QCOMPARE(m_sandbox.password, kAdminPassword);
}

void TestCliProfiles::cleanupTestCase()
{
    stopSandbox(m_sandbox);
}

// --- with a keychain ---

void TestCliProfiles::loginRememberStoresTheSecret()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const CliRun result = run(
        asAdmin({ QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("P"),
            QStringLiteral("--remember"), QStringLiteral("--format"), QStringLiteral("json") }),
        kAdminPassword.toUtf8() + '\n');
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject object = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QCOMPARE(object.value(QStringLiteral("profile")).toString(), QStringLiteral("P"));
    QCOMPARE(object.value(QStringLiteral("secret_remembered")).toBool(), true);

    const auto profile = savedProfile(QStringLiteral("P"));
    QVERIFY(profile);
    QCOMPARE(profile->apiRoot, m_sandbox.apiRoot);
    QCOMPARE(profile->username, m_sandbox.username);
    QCOMPARE(profile->method, Session::Method::Password);
    QVERIFY(profile->rememberSecret);

    const auto secret = readSecret(SecretStore::keyFor(QStringLiteral("P"), m_sandbox.username));
    QVERIFY(secret);
    QVERIFY2(secret->ok(), qPrintable(secret->message));
    QCOMPARE(secret->secret, kAdminPassword);
}

void TestCliProfiles::listUsesTheKeychain()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    // No password source at all, and standard input is not a terminal: only the keychain.
    const CliRun result
        = run({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--profile"),
            QStringLiteral("P"), QStringLiteral("--format"), QStringLiteral("json") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.err, QString());
    QVERIFY2(
        result.out.contains(QStringLiteral("\"username\": \"admin\"")), qPrintable(result.out));

    // ZENML_PROFILE does the same.
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("ZENML_PROFILE"), QStringLiteral("P"));
    const CliRun again = run({ QStringLiteral("login") }, {}, environment);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(again.out.contains(QStringLiteral("in the system keychain")), qPrintable(again.out));
}

void TestCliProfiles::commandLineOverridesTheProfile()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    // --server wins over the profile's server: nothing listens there.
    CliRun result = run({ QStringLiteral("users"), QStringLiteral("list"),
        QStringLiteral("--profile"), QStringLiteral("P"), QStringLiteral("--server"),
        QStringLiteral("http://127.0.0.1:1") });
    QCOMPARE(result.exitCode, 3);

    // --username wins too, and the keychain holds nothing for that account of the profile.
    result = run({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--profile"),
        QStringLiteral("P"), QStringLiteral("--username"), QStringLiteral("someone-else") });
    QCOMPARE(result.exitCode, 4);
    QVERIFY2(result.err.contains(QStringLiteral("no secret is stored")), qPrintable(result.err));

    // An explicit password source comes before the keychain: a wrong one is refused.
    result = run({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--profile"),
                     QStringLiteral("P"), QStringLiteral("--password-stdin") },
        "wrong-password\n");
    QCOMPARE(result.exitCode, 4);
}

void TestCliProfiles::logoutForgetsTheSecret()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    CliRun result
        = run({ QStringLiteral("logout"), QStringLiteral("--profile"), QStringLiteral("P") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("Forgot")), qPrintable(result.out));

    const auto secret = readSecret(SecretStore::keyFor(QStringLiteral("P"), m_sandbox.username));
    QVERIFY(secret);
    QCOMPARE(secret->status, Status::NotFound);
    QVERIFY(savedProfile(QStringLiteral("P"))); // the profile stays

    result = run({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--profile"),
        QStringLiteral("P") });
    QCOMPARE(result.exitCode, 4);
    // The message says what is missing and how to give it.
    QVERIFY2(result.err.contains(QStringLiteral("no secret is stored in the keychain")),
        qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("login --profile P --remember")),
        qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("--password-stdin")), qPrintable(result.err));
    QCOMPARE(result.out, QString());
}

void TestCliProfiles::loginWithoutRememberKeepsNoSecret()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const CliRun result = run(
        asAdmin({ QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("Plain") }),
        kAdminPassword.toUtf8() + '\n');
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("not remembered")), qPrintable(result.out));
    const auto profile = savedProfile(QStringLiteral("Plain"));
    QVERIFY(profile);
    QVERIFY(!profile->rememberSecret);
    QCOMPARE(readSecret(SecretStore::keyFor(QStringLiteral("Plain"), m_sandbox.username))->status,
        Status::NotFound);

    // Without a secret, a profile that remembers none needs one given: nothing can be asked.
    const CliRun list = run({ QStringLiteral("users"), QStringLiteral("list"),
        QStringLiteral("--profile"), QStringLiteral("Plain") });
    QCOMPARE(list.exitCode, 2);
    QVERIFY2(list.err.contains(QStringLiteral("--password-stdin")), qPrintable(list.err));
}

void TestCliProfiles::windowProfileWorksFromTheCommandLine()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    // What the sign-in dialog does when "remember" is ticked (AppController::remember).
    ServerProfile profile;
    profile.name = QStringLiteral("From the window");
    profile.apiRoot = m_sandbox.apiRoot;
    profile.method = Session::Method::Password;
    profile.username = m_sandbox.username;
    profile.rememberSecret = true;
    ProfileStore().save(profile);
    QVERIFY(writeSecret(SecretStore::keyFor(profile.name, profile.username), kAdminPassword));

    const CliRun result
        = run({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--profile"),
            profile.name, QStringLiteral("--format"), QStringLiteral("csv") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.startsWith(QStringLiteral("username,")), qPrintable(result.out));
}

void TestCliProfiles::tokenProfile()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    CliRun result = run(
        withServer({ QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("Key"),
            QStringLiteral("--token-stdin"), QStringLiteral("--remember") }),
        kApiKey.toUtf8() + '\n');
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto profile = savedProfile(QStringLiteral("Key"));
    QVERIFY(profile);
    QCOMPARE(profile->method, Session::Method::Token);
    QCOMPARE(profile->username, QString());
    // The window keeps a token under an empty username; so does the command line.
    const auto secret = readSecret(SecretStore::keyFor(QStringLiteral("Key"), QString()));
    QVERIFY(secret && secret->ok());
    QCOMPARE(secret->secret, kApiKey);

    result = run({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--profile"),
        QStringLiteral("Key") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("admin")), qPrintable(result.out));
}

void TestCliProfiles::rememberWithoutProfileNamesItAfterTheHost()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const CliRun result = run(asAdmin({ QStringLiteral("login"), QStringLiteral("--remember") }),
        kAdminPassword.toUtf8() + '\n');
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QString host = m_sandbox.apiRoot.host();
    QVERIFY2(result.out.contains(QStringLiteral("“%1”").arg(host)), qPrintable(result.out));
    const auto profile = savedProfile(host);
    QVERIFY(profile && profile->rememberSecret);

    // A bare login only checks: it saves nothing.
    const qsizetype before = ProfileStore().profiles().size();
    const CliRun check = run(asAdmin({ QStringLiteral("login") }), kAdminPassword.toUtf8() + '\n');
    QVERIFY2(check.exitCode == 0, qPrintable(check.err));
    QVERIFY2(check.out.contains(QStringLiteral("Nothing was saved")), qPrintable(check.out));
    QSettings settings;
    settings.sync();
    QCOMPARE(ProfileStore(&settings).profiles().size(), before);
}

void TestCliProfiles::forgetProfileRemovesIt()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const QString name = m_sandbox.apiRoot.host();
    QVERIFY(savedProfile(name));
    const CliRun result = run({ QStringLiteral("logout"), QStringLiteral("--profile"), name,
        QStringLiteral("--forget-profile"), QStringLiteral("--format"), QStringLiteral("json") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject object = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QCOMPARE(object.value(QStringLiteral("profile_removed")).toBool(), true);
    QCOMPARE(object.value(QStringLiteral("secret_forgotten")).toBool(), true);
    QVERIFY(!savedProfile(name));
    QCOMPARE(readSecret(SecretStore::keyFor(name, m_sandbox.username))->status, Status::NotFound);
}

// --- with or without a keychain ---

void TestCliProfiles::unknownProfileIsAUsageError()
{
    CliRun result = run({ QStringLiteral("users"), QStringLiteral("list"),
        QStringLiteral("--profile"), QStringLiteral("nowhere") });
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("no profile “nowhere”")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("login --profile nowhere --server")),
        qPrintable(result.err));

    // A new profile needs a server to be made of.
    result
        = run({ QStringLiteral("login"), QStringLiteral("--profile"), QStringLiteral("nowhere") });
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("--server")), qPrintable(result.err));
}

// CASES.md 7 for the command line: no session bus at all. The sign-in works, the run ends well
// within the keychain's timeout, and it says that nothing was remembered.
void TestCliProfiles::noSessionBusStillSignsIn()
{
    QProcessEnvironment noBus;
    noBus.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
        QStringLiteral("unix:path=/nonexistent/zenml-no-bus"));
    const CliRun result = run(asAdmin({ QStringLiteral("login"), QStringLiteral("--profile"),
                                  QStringLiteral("No bus"), QStringLiteral("--remember") }),
        kAdminPassword.toUtf8() + '\n', noBus);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.elapsedMs < 8000, qPrintable(QString::number(result.elapsedMs)));
    QVERIFY2(result.out.contains(QStringLiteral("Signed in")), qPrintable(result.out));
    QVERIFY2(result.err.contains(QStringLiteral("Nothing was remembered")), qPrintable(result.err));
    // Not advice to pass the --remember that was passed.
    QVERIFY2(!result.out.contains(QStringLiteral("--remember")), qPrintable(result.out));
    QVERIFY2(result.out.contains(QStringLiteral("could not store it")), qPrintable(result.out));
    const auto profile = savedProfile(QStringLiteral("No bus"));
    QVERIFY(profile);
    QVERIFY(!profile->rememberSecret);
}

// Every settings file written and every line printed (with --verbose too) are free of the
// password and the API key.
void TestCliProfiles::secretsNeverInSettingsOrOutput()
{
    const CliRun verbose = run(asAdmin({ QStringLiteral("login"), QStringLiteral("--profile"),
                                   QStringLiteral("Verbose"), QStringLiteral("--verbose") }),
        kAdminPassword.toUtf8() + '\n');
    QVERIFY2(verbose.exitCode == 0, qPrintable(verbose.err));
    QVERIFY2(!verbose.err.isEmpty(), "--verbose logged nothing");

    for (const QString& text : std::as_const(m_outputs)) {
        QVERIFY2(!text.contains(kAdminPassword), qPrintable(text));
        QVERIFY2(!text.contains(kApiKey), qPrintable(text));
    }
    int files = 0;
    QDirIterator it(m_config.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains(kAdminPassword.toUtf8()), qPrintable(file.fileName()));
        QVERIFY2(!content.contains(kApiKey.toUtf8()), qPrintable(file.fileName()));
        ++files;
    }
    QVERIFY(files > 0); // the profiles really were written
}

QTEST_GUILESS_MAIN(TestCliProfiles)
#include "tst_cli_profiles.moc"
