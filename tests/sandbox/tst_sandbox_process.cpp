// zenml-pro-sandbox as a process: its three start-up lines, its refusals, a clean exit on
// SIGTERM, and the documentation's curl sequence run verbatim against it.

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

#include <memory>

namespace {

QString sandboxPath()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/zenml-pro-sandbox");
}

struct Banner
{
    QString apiRoot;
    QString adminUsername;
    QString adminPassword;
    QStringList lines;
};

} // namespace

class TestSandboxProcess final : public QObject
{
    Q_OBJECT

private:
    // Starts the sandbox and reads its three lines; the process is left running.
    static std::unique_ptr<QProcess> start(const QStringList& arguments, Banner* banner,
        const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
    {
        auto process = std::make_unique<QProcess>();
        process->setProcessEnvironment(environment);
        process->start(sandboxPath(), arguments);
        if (!process->waitForStarted(5000))
            return process;
        QSignalSpy output(process.get(), &QProcess::readyReadStandardOutput);
        QByteArray text;
        while (text.count('\n') < 3 && process->state() == QProcess::Running) {
            if (!process->canReadLine() && !output.wait(10000))
                break;
            text += process->readAll();
        }
        banner->lines = QString::fromUtf8(text).split(u'\n', Qt::SkipEmptyParts);
        for (const QString& line : std::as_const(banner->lines)) {
            if (line.startsWith(u"API root: "))
                banner->apiRoot = line.mid(10);
            else if (line.startsWith(u"Admin username: "))
                banner->adminUsername = line.mid(16);
            else if (line.startsWith(u"Admin password: "))
                banner->adminPassword = line.mid(16);
        }
        return process;
    }

    static void stop(QProcess& process)
    {
        process.terminate();
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }

    // Runs curl with the given arguments and answers its standard output.
    static QByteArray curl(const QStringList& arguments)
    {
        QProcess process;
        process.start(QStandardPaths::findExecutable(QStringLiteral("curl")), arguments);
        if (!process.waitForFinished(10000))
            return QByteArray();
        return process.readAllStandardOutput();
    }

    static QJsonObject curlJson(const QStringList& arguments)
    {
        const QByteArray output = curl(arguments);
        const QJsonObject object = QJsonDocument::fromJson(output).object();
        if (object.isEmpty())
            qWarning("curl answered: %s", output.constData());
        return object;
    }

private slots:
    void printsThreeLinesAndExitsOnSigterm();
    void takesAdminFromOptionsAndEnvironment();
    void refusesNonLoopbackHost_data();
    void refusesNonLoopbackHost();
    void refusesBadOptions_data();
    void refusesBadOptions();
    void reportsPortInUse();
    void helpAndVersion();
    void documentedCurlSequence();
};

void TestSandboxProcess::printsThreeLinesAndExitsOnSigterm()
{
    Banner banner;
    const std::unique_ptr<QProcess> process
        = start({ QStringLiteral("--port"), QStringLiteral("0") }, &banner);
    QCOMPARE(process->state(), QProcess::Running);
    QCOMPARE(banner.lines.size(), 3);
    const QRegularExpression root(
        QStringLiteral("^API root: http://127\\.0\\.0\\.1:(\\d+)/api/v1$"));
    const QRegularExpressionMatch match = root.match(banner.lines.at(0));
    QVERIFY2(match.hasMatch(), qPrintable(banner.lines.at(0)));
    QVERIFY(match.captured(1).toInt() > 0);
    QCOMPARE(banner.lines.at(1), QStringLiteral("Admin username: admin"));
    QVERIFY(QRegularExpression(QStringLiteral("^Admin password: [A-Za-z0-9]{20}$"))
                .match(banner.lines.at(2))
                .hasMatch());

    // It serves: the printed password logs in.
    const QJsonObject login = curlJson({ QStringLiteral("-s"), QStringLiteral("-X"),
        QStringLiteral("POST"), banner.apiRoot + QStringLiteral("/auth/login"),
        QStringLiteral("-d"), QStringLiteral("username=admin&password=") + banner.adminPassword });
    if (!QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QVERIFY(login.contains(QStringLiteral("access_token")));

    stop(*process);
}

void TestSandboxProcess::takesAdminFromOptionsAndEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("SANDBOX_ADMIN_PASSWORD"), QStringLiteral("env password"));
    Banner banner;
    std::unique_ptr<QProcess> process = start(
        { QStringLiteral("--admin-username"), QStringLiteral("root") }, &banner, environment);
    QCOMPARE(banner.adminUsername, QStringLiteral("root"));
    QCOMPARE(banner.adminPassword, QStringLiteral("env password"));
    stop(*process);
}

void TestSandboxProcess::refusesNonLoopbackHost_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("0.0.0.0") << "0.0.0.0";
    QTest::newRow("lan") << "10.1.2.3";
    QTest::newRow("::") << "::";
}

void TestSandboxProcess::refusesNonLoopbackHost()
{
    QFETCH(QString, host);
    QProcess process;
    process.start(sandboxPath(), { QStringLiteral("--host"), host });
    QVERIFY(process.waitForFinished(5000));
    QVERIFY(process.exitCode() != 0);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    const QByteArray error = process.readAllStandardError();
    QVERIFY2(error.contains("loopback"), error.constData());
}

void TestSandboxProcess::refusesBadOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown switch") << QStringList { "--bogus" };
    QTest::newRow("bad port") << QStringList { "--port", "99999" };
    QTest::newRow("bad list shape") << QStringList { "--list-shape", "table" };
    QTest::newRow("unwritable db") << QStringList { "--db", "/nonexistent-dir/sandbox.sqlite" };
}

void TestSandboxProcess::refusesBadOptions()
{
    QFETCH(QStringList, arguments);
    QProcess process;
    process.start(sandboxPath(), arguments);
    QVERIFY(process.waitForFinished(5000));
    QVERIFY(process.exitCode() != 0);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY(process.readAllStandardError().startsWith("zenml-pro-sandbox: "));
}

void TestSandboxProcess::reportsPortInUse()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost));
    QProcess process;
    process.start(
        sandboxPath(), { QStringLiteral("--port"), QString::number(occupier.serverPort()) });
    QVERIFY(process.waitForFinished(5000));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    const QByteArray error = process.readAllStandardError();
    QVERIFY2(error.contains(QByteArray::number(occupier.serverPort())), error.constData());
}

void TestSandboxProcess::helpAndVersion()
{
    QProcess help;
    help.start(sandboxPath(), { QStringLiteral("--help") });
    QVERIFY(help.waitForFinished(5000));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray text = help.readAllStandardOutput();
    QVERIFY(text.contains("--expired-password-login"));
    QVERIFY(text.contains("--seed-random"));

    QProcess version;
    version.start(sandboxPath(), { QStringLiteral("--version") });
    QVERIFY(version.waitForFinished(5000));
    QCOMPARE(version.exitCode(), 0);
    QVERIFY(version.readAllStandardOutput().startsWith("zenml-pro-sandbox " ZENML_VERSION));
}

// The commands of the "User Accounts" documentation page, with only the server URL, the
// token, the ids and the admin password filled in.
void TestSandboxProcess::documentedCurlSequence()
{
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QSKIP("curl is not on PATH: the documented curl sequence cannot be replayed");

    Banner banner;
    std::unique_ptr<QProcess> process
        = start({ QStringLiteral("--port"), QStringLiteral("0") }, &banner);
    QCOMPARE(banner.lines.size(), 3);
    const QString root = banner.apiRoot;

    // Authenticate with admin credentials
    const QJsonObject login = curlJson({ "-X", "POST", root + "/auth/login", "-H",
        "Content-Type: application/x-www-form-urlencoded", "-d",
        "username=admin&password=" + banner.adminPassword });
    const QString token = login.value(QStringLiteral("access_token")).toString();
    QVERIFY2(!token.isEmpty(), QJsonDocument(login).toJson().constData());
    const QString bearer = QStringLiteral("Authorization: Bearer ") + token;

    // Create a new local user
    const QJsonObject newUser = curlJson(
        { "-X", "POST", root + "/users?username=newuser&password=initial-password", "-H", bearer });
    QCOMPARE(newUser.value(QStringLiteral("username")).toString(), QStringLiteral("newuser"));
    QCOMPARE(newUser.value(QStringLiteral("password_expired")).toBool(), true);
    // The first account created through the API becomes a super-user.
    QCOMPARE(newUser.value(QStringLiteral("is_superuser")).toBool(), true);
    const QString userId = newUser.value(QStringLiteral("id")).toString();

    // Create a new super-user
    const QJsonObject newSuperuser = curlJson({ "-X", "POST",
        root + "/users?username=newsuperuser&password=initial-password&is_superuser=true", "-H",
        bearer });
    QCOMPARE(newSuperuser.value(QStringLiteral("is_superuser")).toBool(), true);
    const QString superId = newSuperuser.value(QStringLiteral("id")).toString();

    // Update user details
    const QJsonObject renamed
        = curlJson({ "-X", "PATCH", root + "/users/" + superId, "-H", bearer, "-H",
            "Content-Type: application/json", "-d", "{\n    \"name\": \"updated-username\"\n  }" });
    QCOMPARE(renamed.value(QStringLiteral("name")).toString(), QStringLiteral("updated-username"));

    // Revoke, then grant super-user privileges
    const QJsonObject revoked = curlJson({ "-X", "PATCH", root + "/users/" + superId, "-H", bearer,
        "-H", "Content-Type: application/json", "-d", "{\n    \"is_superuser\": false\n  }" });
    QCOMPARE(revoked.value(QStringLiteral("is_superuser")).toBool(), false);
    const QJsonObject granted = curlJson({ "-X", "PATCH", root + "/users/" + superId, "-H", bearer,
        "-H", "Content-Type: application/json", "-d", "{\n    \"is_superuser\": true\n  }" });
    QCOMPARE(granted.value(QStringLiteral("is_superuser")).toBool(), true);

    // Reset a user's password
    const QJsonObject reset = curlJson({ "-X", "PATCH", root + "/users/" + userId, "-H", bearer,
        "-H", "Content-Type: application/json", "-d",
        "{\n    \"password\": \"new-temporary-password\"\n  }" });
    QCOMPARE(reset.value(QStringLiteral("password_expired")).toBool(), true);
    const QJsonObject userLogin = curlJson({ "-X", "POST", root + "/auth/login", "-H",
        "Content-Type: application/x-www-form-urlencoded", "-d",
        "username=newuser&password=new-temporary-password" });
    QVERIFY(userLogin.contains(QStringLiteral("access_token")));

    // Delete a user
    const QJsonObject deleted
        = curlJson({ "-X", "DELETE", root + "/users/" + userId, "-H", bearer });
    QCOMPARE(deleted.value(QStringLiteral("id")).toString(), userId);
    const QJsonObject gone = curlJson({ root + "/users/" + userId, "-H", bearer });
    QCOMPARE(gone.value(QStringLiteral("detail")).toString(), QStringLiteral("User not found"));

    stop(*process);
}

QTEST_GUILESS_MAIN(TestSandboxProcess)
#include "tst_sandbox_process.moc"
