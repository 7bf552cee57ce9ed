// SecretStore against a real Secret Service (gnome-keyring in a private D-Bus session, see
// with-secret-service.sh), and without any session bus at all.

#include "session/SecretStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <cstdio>
#include <optional>

using zenml::session::SecretStore;
using Status = SecretStore::Result::Status;

namespace {

// Waits for one answer of the store.
std::optional<SecretStore::Result> await(
    const std::function<void(SecretStore::Callback)>& call, int timeoutMs = 20000)
{
    std::optional<SecretStore::Result> result;
    call([&result](const SecretStore::Result& r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs);
    return result;
}

const QString kSecret = QStringLiteral("p@ss w+rd&=%\u00e9\U0001F600 \"quoted\"");

} // namespace

class TestSecretStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void keysAreNamespaced();
    void storeReadBackInNewProcessAndForget();
    void missingEntryMeansAsk();
    void noSessionBusEndsWithinBound();

private:
    bool m_haveKeyring = false;
};

void TestSecretStore::initTestCase()
{
    m_haveKeyring = qEnvironmentVariableIsSet("GNOME_KEYRING_CONTROL")
        || qEnvironmentVariableIsSet("ZENML_TEST_SECRET_SERVICE");
}

void TestSecretStore::keysAreNamespaced()
{
    QCOMPARE(SecretStore::keyFor(QStringLiteral("prod"), QStringLiteral("alice")),
        QStringLiteral("profile/prod/user/alice"));
    // A profile name cannot impersonate another profile's account.
    QVERIFY(SecretStore::keyFor(QStringLiteral("a/user/b"), QStringLiteral("c"))
        != SecretStore::keyFor(QStringLiteral("a"), QStringLiteral("b/user/c")));
}

void TestSecretStore::storeReadBackInNewProcessAndForget()
{
    if (!m_haveKeyring)
        QSKIP("no Secret Service: run through tests/session/with-secret-service.sh");
    SecretStore store;
    QObject context;
    const QString key = SecretStore::keyFor(QStringLiteral("Production"), QStringLiteral("alice"));

    auto written = await([&](auto done) { store.write(key, kSecret, &context, done); });
    QVERIFY(written);
    QVERIFY2(written->ok(), qPrintable(written->message));

    // Another process, as the program's next start would be, reads it back.
    QProcess reader;
    reader.start(QCoreApplication::applicationFilePath(), { QStringLiteral("--read-back"), key });
    QVERIFY(reader.waitForFinished(30000));
    QCOMPARE(reader.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(reader.readAllStandardOutput()), kSecret);

    auto removed = await([&](auto done) { store.remove(key, &context, done); });
    QVERIFY(removed && removed->ok());
    auto gone = await([&](auto done) { store.read(key, &context, done); });
    QVERIFY(gone);
    QCOMPARE(gone->status, Status::NotFound);
}

void TestSecretStore::missingEntryMeansAsk()
{
    if (!m_haveKeyring)
        QSKIP("no Secret Service: run through tests/session/with-secret-service.sh");
    SecretStore store;
    QObject context;
    auto result = await([&](auto done) {
        store.read(
            SecretStore::keyFor(QStringLiteral("never"), QStringLiteral("stored")), &context, done);
    });
    QVERIFY(result);
    QCOMPARE(result->status, Status::NotFound);
    QVERIFY(result->secret.isEmpty());
}

// CASES.md 7: no session bus. The job must end with an error within a few seconds, never hang,
// and nothing may be written anywhere in plain text.
void TestSecretStore::noSessionBusEndsWithinBound()
{
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
        QStringLiteral("unix:path=/nonexistent/zenml-no-bus"));
    env.remove(QStringLiteral("GNOME_KEYRING_CONTROL"));
    const QString home = QDir::tempPath() + QStringLiteral("/zenml-no-bus-home");
    QDir(home).removeRecursively();
    QDir().mkpath(home);
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
    child.setProcessEnvironment(env);

    QElapsedTimer clock;
    clock.start();
    child.start(QCoreApplication::applicationFilePath(),
        { QStringLiteral("--write-once"), QStringLiteral("profile/x/user/y") });
    QVERIFY(child.waitForFinished(30000));
    const qint64 elapsed = clock.elapsed();
    const QString report = QString::fromUtf8(child.readAllStandardOutput());
    QVERIFY2(report.startsWith(QStringLiteral("unavailable"))
            || report.startsWith(QStringLiteral("failed")),
        qPrintable(report));
    QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));

    // Nothing landed in a file under the throw-away home.
    QDirIterator files(home, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(kSecret.toUtf8()), qPrintable(file.fileName()));
    }
}

// Child modes: the test starts this same executable to act as another process.
static int childMode(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    SecretStore store;
    QObject context;
    if (args.at(1) == QLatin1String("--read-back")) {
        auto result = await([&](auto done) { store.read(args.at(2), &context, done); });
        if (!result || !result->ok())
            return 1;
        std::fputs(result->secret.toUtf8().constData(), stdout);
        return 0;
    }
    auto result = await([&](auto done) { store.write(args.at(2), kSecret, &context, done); });
    const char* status = !result                ? "hung"
        : result->status == Status::Unavailable ? "unavailable"
        : result->status == Status::Failed      ? "failed"
                                                : "done";
    std::printf("%s %s\n", status, result ? qPrintable(result->message) : "");
    return 0;
}

int main(int argc, char** argv)
{
    if (argc >= 3
        && (qstrcmp(argv[1], "--read-back") == 0 || qstrcmp(argv[1], "--write-once") == 0))
        return childMode(argc, argv);
    QCoreApplication app(argc, argv);
    TestSecretStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secret_store.moc"
