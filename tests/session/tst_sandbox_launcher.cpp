#include "session/SandboxLauncher.h"
#include "support/SandboxFixture.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using zenml::session::SandboxLauncher;

namespace {

// Writes a stand-in zenml-pro-sandbox shell script into `dir`.
bool writeFakeSandbox(const QString& dir, const QByteArray& script)
{
    QFile file(QDir(dir).filePath(SandboxLauncher::executableName()));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write("#!/bin/sh\n" + script);
    file.close();
    return file.setPermissions(
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

bool processExists(qint64 pid)
{
    return QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid));
}

} // namespace

class TestSandboxLauncher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readyReportsRootAndAdmin();
    void chosenPasswordTravelsInTheEnvironment();
    void extraArgumentsArePassed();
    void missingExecutableSaysWhereItLooked_data();
    void missingExecutableSaysWhereItLooked();
    void earlyExitIsReportedWithItsErrorOutput();
    void silentSandboxTimesOut();
    void progressKeepsALongStartAlive();
    void linesMayArriveInPieces();
    void destructionStopsTheProcess();
    void sandboxEndsWithAKilledProgram();
};

void TestSandboxLauncher::readyReportsRootAndAdmin()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));

    SandboxLauncher launcher;
    QSignalSpy ready(&launcher, &SandboxLauncher::ready);
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start();
    QVERIFY(ready.wait(15000));
    QCOMPARE(failed.size(), 0);

    const QUrl root = ready.at(0).at(0).toUrl();
    QCOMPARE(root.scheme(), QStringLiteral("http"));
    QCOMPARE(root.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(root.port() > 0);
    QCOMPARE(root.path(), QStringLiteral("/api/v1"));
    QCOMPARE(ready.at(0).at(1).toString(), QStringLiteral("admin"));
    QVERIFY(!ready.at(0).at(2).toString().isEmpty());
    QVERIFY(launcher.isReady());
    QVERIFY(launcher.isRunning());
    QCOMPARE(launcher.apiRoot(), root);

    QSignalSpy stopped(&launcher, &SandboxLauncher::stopped);
    QSignalSpy exited(&launcher, &SandboxLauncher::exitedUnexpectedly);
    launcher.stop();
    QVERIFY(stopped.wait(10000));
    QVERIFY(!launcher.isRunning());
    QCOMPARE(exited.size(), 0);
}

void TestSandboxLauncher::chosenPasswordTravelsInTheEnvironment()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));

    const QString chosen = QStringLiteral("Chosen pw+&=%, with spaces ✓");
    RunningSandbox sandbox = startSandbox({}, chosen);
    QVERIFY2(sandbox.isReady(), qPrintable(sandbox.error));
    QCOMPARE(sandbox.password, chosen);

    // Never on the command line, where every local user can read it.
    const qint64 pid = sandbox.launcher->processId();
    QFile commandLine(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (commandLine.open(QIODevice::ReadOnly))
        QVERIFY(!commandLine.readAll().contains(chosen.toUtf8()));
    stopSandbox(sandbox);
}

void TestSandboxLauncher::extraArgumentsArePassed()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));

    RunningSandbox sandbox
        = startSandbox({ QStringLiteral("--admin-username"), QStringLiteral("root") });
    QVERIFY2(sandbox.isReady(), qPrintable(sandbox.error));
    QCOMPARE(sandbox.username, QStringLiteral("root"));
    stopSandbox(sandbox);
}

void TestSandboxLauncher::missingExecutableSaysWhereItLooked_data()
{
    QTest::addColumn<bool>("searchPath");
    QTest::newRow("folder only") << false;
    QTest::newRow("folder and PATH") << true;
}

void TestSandboxLauncher::missingExecutableSaysWhereItLooked()
{
    QFETCH(bool, searchPath);

    QTemporaryDir empty;
    QTemporaryDir emptyPath;
    QVERIFY(empty.isValid() && emptyPath.isValid());
    const QByteArray savedPath = qgetenv("PATH");
    qputenv("PATH", emptyPath.path().toUtf8());

    SandboxLauncher launcher;
    launcher.setSearchDirectory(empty.path());
    launcher.setSearchPath(searchPath);
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    QSignalSpy ready(&launcher, &SandboxLauncher::ready);
    launcher.start();
    qputenv("PATH", savedPath);

    // Reported from the event loop, not from inside start().
    QCOMPARE(failed.size(), 0);
    QVERIFY(failed.wait(5000));
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("zenml-pro-sandbox")), qPrintable(message));
    QVERIFY2(message.contains(QDir::toNativeSeparators(empty.path())), qPrintable(message));
    QCOMPARE(message.contains(emptyPath.path()), searchPath);
    QCOMPARE(message.contains(QStringLiteral("PATH")), searchPath);
    QCOMPARE(ready.size(), 0);
    QVERIFY(!launcher.isRunning());
}

void TestSandboxLauncher::earlyExitIsReportedWithItsErrorOutput()
{
    QTemporaryDir dir;
    QVERIFY(writeFakeSandbox(dir.path(),
        "echo 'API root: http://127.0.0.1:1/api/v1'\n"
        "echo 'error: database is locked' >&2\nexit 3\n"));
    SandboxLauncher launcher;
    launcher.setSearchDirectory(dir.path());
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start();
    QVERIFY(failed.wait(10000));
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("exited with code 3")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("database is locked")), qPrintable(message));
}

void TestSandboxLauncher::silentSandboxTimesOut()
{
    QTemporaryDir dir;
    QVERIFY(writeFakeSandbox(dir.path(), "exec sleep 30\n"));
    SandboxLauncher launcher;
    launcher.setSearchDirectory(dir.path());
    launcher.setStartTimeout(std::chrono::milliseconds(300));
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start();
    QVERIFY(failed.wait(10000));
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("did not report")),
        qPrintable(failed.at(0).at(0).toString()));

    // A retry right away is not refused because the first process is still on its way out.
    launcher.start();
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.size(), 2);

    // The silent process is stopped, not left behind.
    QTRY_VERIFY_WITH_TIMEOUT(!launcher.isRunning(), 5000);
    QCOMPARE(failed.size(), 2);
}

// Seeding a million users takes longer than any fixed start timeout: the wait counts silence,
// and a sandbox that reports its progress is waited for.
void TestSandboxLauncher::progressKeepsALongStartAlive()
{
    QTemporaryDir dir;
    QVERIFY(writeFakeSandbox(dir.path(),
        "for i in 1 2 3 4 5 6; do echo \"seeding: $i of 6\" >&2; sleep 0.2; done\n"
        "printf 'API root: http://127.0.0.1:4242/api/v1\\nAdmin username: admin\\n"
        "Admin password: pw\\n'\n"
        "exec sleep 30\n"));
    SandboxLauncher launcher;
    launcher.setSearchDirectory(dir.path());
    launcher.setStartTimeout(std::chrono::milliseconds(500)); // less than the 1.2 s it takes
    QSignalSpy ready(&launcher, &SandboxLauncher::ready);
    QSignalSpy failed(&launcher, &SandboxLauncher::failed);
    launcher.start();
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 10000));
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    QCOMPARE(ready.at(0).at(0).toUrl(), QUrl(QStringLiteral("http://127.0.0.1:4242/api/v1")));
}

void TestSandboxLauncher::linesMayArriveInPieces()
{
    QTemporaryDir dir;
    QVERIFY(writeFakeSandbox(dir.path(),
        "printf 'starting\\nAPI ro'\nsleep 0.2\n"
        "printf 'ot: http://127.0.0.1:4242/api/v1\\r\\n'\n"
        "printf 'Admin username: admin\\nAdmin password:  "
        "two spaces'\nsleep 0.2\nprintf '\\n'\n"
        "exec sleep 30\n"));
    SandboxLauncher launcher;
    launcher.setSearchDirectory(dir.path());
    QSignalSpy ready(&launcher, &SandboxLauncher::ready);
    launcher.start();
    QVERIFY(ready.wait(10000));
    QCOMPARE(ready.at(0).at(0).toUrl(), QUrl(QStringLiteral("http://127.0.0.1:4242/api/v1")));
    QCOMPARE(ready.at(0).at(1).toString(), QStringLiteral("admin"));
    QCOMPARE(ready.at(0).at(2).toString(), QStringLiteral(" two spaces"));

    QSignalSpy stopped(&launcher, &SandboxLauncher::stopped);
    launcher.stop();
    QVERIFY(stopped.wait(10000));
}

void TestSandboxLauncher::destructionStopsTheProcess()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));

    RunningSandbox sandbox = startSandbox();
    QVERIFY2(sandbox.isReady(), qPrintable(sandbox.error));
    const qint64 pid = sandbox.launcher->processId();
    QVERIFY(pid > 0);
    QVERIFY(processExists(pid));

    sandbox.launcher.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!processExists(pid), 10000);
}

// The window started with --sandbox is killed outright (no chance to stop its child): the
// sandbox, a server with a known admin password, must end with it.
void TestSandboxLauncher::sandboxEndsWithAKilledProgram()
{
#ifndef Q_OS_LINUX
    QSKIP("the parent-death signal is Linux's");
#else
    const QString program
        = QCoreApplication::applicationDirPath() + QStringLiteral("/zenml-pro-admin");
    if (!QFileInfo::exists(program))
        QSKIP("zenml-pro-admin is not built beside the test");
    QTemporaryDir config;
    QProcess admin;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    admin.setProcessEnvironment(env);
    admin.start(program,
        { QStringLiteral("--sandbox"), QStringLiteral("--sandbox-users"), QStringLiteral("1") });
    QVERIFY(admin.waitForStarted(10000));

    // The sandbox is the child of the program whose parent pid is the program's.
    const auto childOf = [](qint64 parent) -> qint64 {
        const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
        for (const QString& entry : entries) {
            bool numeric = false;
            const qint64 pid = entry.toLongLong(&numeric);
            if (!numeric)
                continue;
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            const QByteArray text = stat.readAll();
            const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
            if (fields.size() > 1 && fields.at(1).toLongLong() == parent
                && text.contains("(zenml-pro-sand"))
                return pid;
        }
        return 0;
    };
    // Only once the sandbox has reported ready: before that, its first output line into the
    // dead program's pipe would end it anyway, and the test would prove nothing.
    QByteArray log;
    QTRY_VERIFY_WITH_TIMEOUT(
        (log += admin.readAllStandardError()).contains("sandbox is ready"), 15000);
    const qint64 sandbox = childOf(admin.processId());
    QVERIFY(sandbox != 0);

    ::kill(pid_t(admin.processId()), SIGKILL);
    QVERIFY(admin.waitForFinished(10000));
    // Gone, or a zombie waiting for whoever adopted it.
    const auto running = [](qint64 pid) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return false;
        const QByteArray text = stat.readAll();
        const QByteArray state = text.mid(text.lastIndexOf(')') + 2, 1);
        return state != "Z" && state != "X";
    };
    QTRY_VERIFY_WITH_TIMEOUT(!running(sandbox), 10000);
#endif
}

QTEST_GUILESS_MAIN(TestSandboxLauncher)
#include "tst_sandbox_launcher.moc"
