// The command line end to end: the real zenml-pro-admin executable, run as a process against
// real sandbox control planes. Every change is checked afterwards through the API, never
// through what the command printed.

#include "controlplane/ApiClient.h"
#include "session/Session.h"
#include "support/SandboxFixture.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <fcntl.h>
#include <memory>
#include <unistd.h>

using zenml::controlplane::ApiClient;
using zenml::controlplane::ApiError;
using zenml::controlplane::LoginResult;
using zenml::controlplane::NewUser;
using zenml::controlplane::UserListJob;
using zenml::controlplane::UserPatch;
using zenml::session::Session;
using zenml::users::User;
using zenml::users::UserList;

namespace {

const QString kSeededPassword = QStringLiteral("seeded-password");

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// The pseudo-terminal a person would type into: the child's standard input is its slave
// side, and the test types into the master side.
class PseudoTerminal final
{
public:
    PseudoTerminal()
    {
        m_master = posix_openpt(O_RDWR | O_NOCTTY);
        if (m_master < 0 || grantpt(m_master) != 0 || unlockpt(m_master) != 0)
            return;
        m_slavePath = QString::fromLocal8Bit(ptsname(m_master));
        fcntl(m_master, F_SETFL, fcntl(m_master, F_GETFL) | O_NONBLOCK);
    }
    ~PseudoTerminal()
    {
        if (m_master >= 0)
            ::close(m_master);
    }
    PseudoTerminal(const PseudoTerminal&) = delete;
    PseudoTerminal& operator=(const PseudoTerminal&) = delete;

    bool isOpen() const { return !m_slavePath.isEmpty(); }
    QString slavePath() const { return m_slavePath; }

    void type(const QString& line)
    {
        const QByteArray bytes = line.toUtf8() + '\n';
        QCOMPARE(::write(m_master, bytes.constData(), size_t(bytes.size())), ssize_t(bytes.size()));
    }

    // What the terminal showed (echo included) since the last call.
    QByteArray drain()
    {
        QByteArray shown;
        char buffer[512];
        ssize_t n = 0;
        while ((n = ::read(m_master, buffer, sizeof buffer)) > 0)
            shown.append(buffer, n);
        return shown;
    }

private:
    int m_master = -1;
    QString m_slavePath;
};

} // namespace

class TestCliUsers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listFormats_data();
    void listFormats();
    void listFilter();
    void createWithGeneratedPasswordCanSignIn_data();
    void createWithGeneratedPasswordCanSignIn();
    void createShowsTheServersUsername();
    void createSuperuser();
    void createRefusesLookAlikeUsernames_data();
    void createRefusesLookAlikeUsernames();
    void createWithTypedPasswordMeetsAConflict();
    void setSuperuserOnAndOff();
    void resetPasswordMustBeChanged();
    void renameDisplayName();
    void renameCaseOnlyUsername();
    void deleteWithYes();
    void deleteWithoutYesOrTerminalIsRefused();
    void deleteOfAUserAnotherClientDeleted();
    void lastSuperuserCannotLockOut_data();
    void lastSuperuserCannotLockOut();
    void nonSuperuserIsReadOnly_data();
    void nonSuperuserIsReadOnly();
    void wrongPasswordIsAnAuthenticationFailure();
    void unreachableServerIsAConnectionFailure();
    void plainHttpElsewhereNeedsConsent();
    void usageErrorsSendNothing_data();
    void usageErrorsSendNothing();
    void loginAndLogoutWithAToken();

private:
    // Runs zenml-pro-admin with `arguments`, signed in to `sandbox` as `username` with the
    // password on standard input (followed by `moreInput`).
    CliRun run(const RunningSandbox& sandbox, const QString& username, const QString& password,
        const QStringList& arguments, const QByteArray& moreInput = {});
    CliRun runAsAdmin(const QStringList& arguments)
    {
        return run(m_main, m_main.username, m_main.password, arguments);
    }
    CliRun runRaw(const QStringList& arguments, const QProcessEnvironment& environment,
        const QByteArray& input = {});
    QProcessEnvironment cleanEnvironment() const;
    QString executable() const;

    // The API's view, through a client signed in as the sandbox's admin.
    UserList listThroughApi(Session* session);
    std::optional<User> findThroughApi(Session* session, const QString& username);
    User createThroughApi(
        Session* session, const QString& username, const QString& password, bool superuser = false);
    ApiError signInAs(
        const RunningSandbox& sandbox, const QString& username, const QString& password);

    QNetworkAccessManager m_network;
    RunningSandbox m_main; // seeded; the admin signs in
    RunningSandbox m_lonely; // one super-user besides the admin; "name" renames usernames
    std::unique_ptr<Session> m_mainApi;
    std::unique_ptr<Session> m_lonelyApi;
    User m_owner; // the only super-user of m_lonely
    const QString m_ownerPassword = QStringLiteral("owner-Pa55word!");
};

// --- helpers ---

QString TestCliUsers::executable() const
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("zenml-pro-admin"));
}

QProcessEnvironment TestCliUsers::cleanEnvironment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : { "ZENML_SERVER", "ZENML_USERNAME", "ZENML_PASSWORD", "ZENML_TOKEN",
             "ZENML_PROFILE", "QT_LOGGING_RULES" })
        environment.remove(QString::fromLatin1(name));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    return environment;
}

CliRun TestCliUsers::runRaw(
    const QStringList& arguments, const QProcessEnvironment& environment, const QByteArray& input)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(executable(), arguments);
    CliRun result;
    if (!process.waitForStarted(10000)) {
        result.err = process.errorString();
        return result;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(20000)) {
        process.kill();
        process.waitForFinished(2000);
        result.err = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

CliRun TestCliUsers::run(const RunningSandbox& sandbox, const QString& username,
    const QString& password, const QStringList& arguments, const QByteArray& moreInput)
{
    QStringList all = arguments;
    all << QStringLiteral("--server") << sandbox.apiRoot.toString() << QStringLiteral("--username")
        << username << QStringLiteral("--password-stdin");
    return runRaw(all, cleanEnvironment(), password.toUtf8() + '\n' + moreInput);
}

UserList TestCliUsers::listThroughApi(Session* session)
{
    UserList all;
    UserListJob* job = session->client()->listUsers();
    connect(job, &UserListJob::pageReceived, this, [&all](const UserList& page) { all += page; });
    QSignalSpy finished(job, &UserListJob::finished);
    job->start();
    if (!finished.wait(15000))
        return {};
    const auto error = finished.at(0).at(0).value<ApiError>();
    job->deleteLater();
    return error ? UserList {} : all;
}

std::optional<User> TestCliUsers::findThroughApi(Session* session, const QString& username)
{
    const UserList all = listThroughApi(session);
    for (const User& user : all) {
        if (user.username == username)
            return user;
    }
    return std::nullopt;
}

User TestCliUsers::createThroughApi(
    Session* session, const QString& username, const QString& password, bool superuser)
{
    CallbackWaiter<User, ApiError> waiter;
    NewUser user;
    user.username = username;
    user.password = password;
    user.isSuperuser = superuser;
    session->client()->createUser(user, waiter.context(), waiter.callback());
    if (!waiter.wait() || waiter.get<1>())
        return {};
    return waiter.get<0>();
}

ApiError TestCliUsers::signInAs(
    const RunningSandbox& sandbox, const QString& username, const QString& password)
{
    ApiClient client(&m_network);
    client.setApiRoot(sandbox.apiRoot);
    CallbackWaiter<LoginResult, ApiError> waiter;
    client.login(username, password, waiter.context(), waiter.callback());
    if (!waiter.wait()) {
        ApiError timeout;
        timeout.kind = ApiError::Kind::Network;
        timeout.message = QStringLiteral("no answer");
        return timeout;
    }
    return waiter.get<1>();
}

// --- set-up ---

void TestCliUsers::initTestCase()
{
    if (const QString missing = sandboxMissingReason(); !missing.isEmpty())
        QSKIP(qPrintable(missing));
    // The test's own client and launcher stay quiet; failures print what the command said.
    QLoggingCategory::setFilterRules(QStringLiteral("zenml.*.info=false"));
    QVERIFY2(QFileInfo::exists(executable()), qPrintable(executable()));

    m_main = startSandbox({ QStringLiteral("--seed"), QStringLiteral("12"),
        QStringLiteral("--pbkdf2-rounds"), QStringLiteral("1000") });
    QVERIFY2(m_main.isReady(), qPrintable(m_main.error));
    m_lonely = startSandbox({ QStringLiteral("--patch-name"), QStringLiteral("username"),
        QStringLiteral("--pbkdf2-rounds"), QStringLiteral("1000") });
    QVERIFY2(m_lonely.isReady(), qPrintable(m_lonely.error));

    for (auto [sandbox, api] : { std::pair { &m_main, &m_mainApi }, { &m_lonely, &m_lonelyApi } }) {
        *api = std::make_unique<Session>(&m_network);
        QSignalSpy signedIn(api->get(), &Session::signedIn);
        (*api)->signIn(
            sandbox->apiRoot, Session::Method::Password, sandbox->username, sandbox->password);
        QVERIFY(signedIn.wait(15000));
    }

    // The first account created through the API becomes the only super-user.
    m_owner = createThroughApi(m_lonelyApi.get(), QStringLiteral("owner"), m_ownerPassword);
    QVERIFY(!m_owner.id.isEmpty());
    QVERIFY(m_owner.isSuperuser);
}

void TestCliUsers::cleanupTestCase()
{
    m_mainApi.reset();
    m_lonelyApi.reset();
    stopSandbox(m_main);
    stopSandbox(m_lonely);
}

// --- listing ---

void TestCliUsers::listFormats_data()
{
    QTest::addColumn<QString>("format");
    QTest::newRow("table") << "table";
    QTest::newRow("json") << "json";
    QTest::newRow("csv") << "csv";
}

void TestCliUsers::listFormats()
{
    QFETCH(QString, format);
    const UserList expected = listThroughApi(m_mainApi.get());
    QVERIFY(expected.size() > 10);

    const CliRun result = runAsAdmin(
        { QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--format"), format });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    // Normal output is clean: no log lines on stderr.
    QCOMPARE(result.err, QString());

    qsizetype rows = 0;
    if (format == QLatin1String("json")) {
        const QJsonArray array = QJsonDocument::fromJson(result.out.toUtf8()).array();
        rows = array.size();
        QCOMPARE(
            array.first().toObject().value(QStringLiteral("id")).toString(), expected.first().id);
    } else if (format == QLatin1String("csv")) {
        QVERIFY(result.out.endsWith(QStringLiteral("\r\n")));
        const QStringList lines = result.out.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QVERIFY(lines.first().startsWith(QStringLiteral("username,name,email,kind")));
        rows = lines.size() - 1;
    } else {
        const QStringList lines = result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.first().startsWith(QStringLiteral("USERNAME")));
        rows = lines.size() - 1;
        for (const User& user : expected)
            QVERIFY2(result.out.contains(user.id), qPrintable(user.username));
    }
    QCOMPARE(rows, expected.size());
}

void TestCliUsers::listFilter()
{
    const QString needle = QStringLiteral("EXAMPLE.ORG");
    const UserList all = listThroughApi(m_mainApi.get());
    qsizetype expected = 0;
    for (const User& user : all) {
        if (user.username.contains(needle, Qt::CaseInsensitive)
            || user.name.contains(needle, Qt::CaseInsensitive)
            || user.email.contains(needle, Qt::CaseInsensitive))
            ++expected;
    }
    QVERIFY(expected > 0 && expected < all.size());

    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("list"),
        QStringLiteral("--format=json"), QStringLiteral("--filter"), needle });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(QJsonDocument::fromJson(result.out.toUtf8()).array().size(), expected);
}

// --- create ---

void TestCliUsers::createWithGeneratedPasswordCanSignIn_data()
{
    QTest::addColumn<QString>("username");
    QTest::newRow("1") << "gen.one";
    QTest::newRow("2") << "gen.two";
    QTest::newRow("3") << "gen.three";
}

void TestCliUsers::createWithGeneratedPasswordCanSignIn()
{
    QFETCH(QString, username);
    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("create"), username,
        QStringLiteral("--generate-password"), QStringLiteral("--format"),
        QStringLiteral("json") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject created = QJsonDocument::fromJson(result.out.toUtf8()).object();
    const QString password = created.value(QStringLiteral("initial_password")).toString();
    QCOMPARE(password.size(), 20);
    QVERIFY(!result.err.contains(password));

    // The server's state, and the password exactly as printed, whatever characters it holds.
    const auto user = findThroughApi(m_mainApi.get(), username);
    QVERIFY(user);
    QCOMPARE(created.value(QStringLiteral("id")).toString(), user->id);
    QVERIFY(user->passwordExpired);
    QVERIFY(!user->isSuperuser);
    const ApiError signIn = signInAs(m_main, username, password);
    QVERIFY2(!signIn, qPrintable(signIn.message));
}

void TestCliUsers::createShowsTheServersUsername()
{
    // CASES 4: the output is the server's account, keyed by its id.
    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("create"),
        QStringLiteral("Alice"), QStringLiteral("--generate-password"), QStringLiteral("--name"),
        QStringLiteral("Alice Liddell") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QRegularExpressionMatch id
        = QRegularExpression(QStringLiteral("\\(id ([0-9a-f-]+)\\)")).match(result.out);
    QVERIFY2(id.hasMatch(), qPrintable(result.out));

    const UserList all = listThroughApi(m_mainApi.get());
    const auto it = std::find_if(
        all.cbegin(), all.cend(), [&id](const User& user) { return user.id == id.captured(1); });
    QVERIFY(it != all.cend());
    QVERIFY2(result.out.contains(QStringLiteral("“") + it->username + QStringLiteral("”")),
        qPrintable(result.out));
    QCOMPARE(it->name, QStringLiteral("Alice Liddell"));
    QVERIFY(result.out.contains(QStringLiteral("shown only this once")));

    // The password is the last line, on its own, and works.
    const QString password = result.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts).last();
    const ApiError signIn = signInAs(m_main, it->username, password);
    QVERIFY2(!signIn, qPrintable(signIn.message));

    // Usernames ignore case: a second "alice" is refused before sending.
    const CliRun again = runAsAdmin({ QStringLiteral("users"), QStringLiteral("create"),
        QStringLiteral("alice"), QStringLiteral("--generate-password") });
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(QStringLiteral("taken")), qPrintable(again.err));
}

void TestCliUsers::createSuperuser()
{
    const CliRun result
        = runAsAdmin({ QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("root2"),
            QStringLiteral("--superuser"), QStringLiteral("--generate-password") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto user = findThroughApi(m_mainApi.get(), QStringLiteral("root2"));
    QVERIFY(user);
    QVERIFY(user->isSuperuser);
}

void TestCliUsers::createRefusesLookAlikeUsernames_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("reason");

    // CASES 5.
    QTest::newRow("leading space") << " john"
                                   << "space at its start or end";
    QTest::newRow("no-break space") << QStringLiteral("john\u00a0") << "space at its start or end";
    QTest::newRow("inner no-break space") << QStringLiteral("jo\u00a0hn") << "U+00A0";
    QTest::newRow("control character") << QStringLiteral("jo\u0001hn") << "control character";
    QTest::newRow("escape") << QStringLiteral("jo\u001bhn") << "control character";
    QTest::newRow("zero-width space") << QStringLiteral("jo\u200bhn") << "invisible";
    QTest::newRow("reserved admin") << "ADMIN"
                                    << "reserved admin";
}

void TestCliUsers::createRefusesLookAlikeUsernames()
{
    QFETCH(QString, username);
    QFETCH(QString, reason);

    const qsizetype before = listThroughApi(m_mainApi.get()).size();
    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("create"), username,
        QStringLiteral("--generate-password"), QStringLiteral("--verbose") });
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(reason), qPrintable(result.err));
    QVERIFY2(!result.err.contains(QStringLiteral("POST /users")), qPrintable(result.err));
    QCOMPARE(result.out, QString());
    QCOMPARE(listThroughApi(m_mainApi.get()).size(), before);
}

void TestCliUsers::createWithTypedPasswordMeetsAConflict()
{
    // CASES 6: while the administrator types the password, another client creates the same
    // username; the server's 409 is shown cleanly and nothing else is created.
    PseudoTerminal terminal;
    if (!terminal.isOpen())
        QSKIP("no pseudo-terminal available");

    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(QStringLiteral("ZENML_PASSWORD"), m_main.password);
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setStandardInputFile(terminal.slavePath());
    process.start(executable(),
        { QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("racer"),
            QStringLiteral("--server"), m_main.apiRoot.toString(), QStringLiteral("--username"),
            m_main.username });
    QString err;
    const auto waitForErr = [&](const QString& text) {
        return QTest::qWaitFor(
            [&] {
                err += QString::fromUtf8(process.readAllStandardError());
                return err.contains(text) || process.state() == QProcess::NotRunning;
            },
            15000);
    };
    QVERIFY(waitForErr(QStringLiteral("Password for the new user")));
    QVERIFY2(process.state() == QProcess::Running, qPrintable(err));

    const User other
        = createThroughApi(m_mainApi.get(), QStringLiteral("racer"), QStringLiteral("x-Pa55word"));
    QVERIFY(!other.id.isEmpty());

    const QString typed = QStringLiteral("typed-Secret-42");
    terminal.type(typed);
    QVERIFY(waitForErr(QStringLiteral("Type it again")));
    terminal.type(typed);
    QVERIFY(process.waitForFinished(15000));
    err += QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains(QStringLiteral("already exists")), qPrintable(err));
    // Typed without echo: the terminal never showed the password.
    QVERIFY(!terminal.drain().contains(typed.toUtf8()));

    qsizetype racers = 0;
    const UserList all = listThroughApi(m_mainApi.get());
    for (const User& user : all)
        racers += user.username.compare(QStringLiteral("racer"), Qt::CaseInsensitive) == 0 ? 1 : 0;
    QCOMPARE(racers, 1);
}

// --- operations ---

void TestCliUsers::setSuperuserOnAndOff()
{
    const User user = createThroughApi(
        m_mainApi.get(), QStringLiteral("promoted"), QStringLiteral("Pa55word-x"));
    QVERIFY(!user.id.isEmpty());

    CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("set-superuser"),
        QStringLiteral("PROMOTED"), QStringLiteral("on") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(findThroughApi(m_mainApi.get(), QStringLiteral("promoted"))->isSuperuser);

    // By id this time.
    result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("set-superuser"), user.id,
        QStringLiteral("off"), QStringLiteral("--format"), QStringLiteral("json") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(
        QJsonDocument::fromJson(result.out.toUtf8()).object().value(QStringLiteral("is_superuser")),
        QJsonValue(false));
    QVERIFY(!findThroughApi(m_mainApi.get(), QStringLiteral("promoted"))->isSuperuser);

    // Asking again for the state it is in is not an error for a script: nothing is sent.
    result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("set-superuser"),
        QStringLiteral("promoted"), QStringLiteral("off") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("nothing was changed")), qPrintable(result.out));
    QVERIFY(!findThroughApi(m_mainApi.get(), QStringLiteral("promoted"))->isSuperuser);
}

void TestCliUsers::resetPasswordMustBeChanged()
{
    const QString username = QStringLiteral("resettee");
    const User user = createThroughApi(m_mainApi.get(), username, QStringLiteral("first-Pa55word"));
    QVERIFY(!user.id.isEmpty());
    // The user sets their own password, so that "must change password" is off before the reset.
    {
        Session self(&m_network);
        QSignalSpy signedIn(&self, &Session::signedIn);
        self.signIn(
            m_main.apiRoot, Session::Method::Password, username, QStringLiteral("first-Pa55word"));
        QVERIFY(signedIn.wait(15000));
        CallbackWaiter<User, ApiError> changed;
        UserPatch patch;
        patch.password = QStringLiteral("own-Pa55word");
        self.client()->updateCurrentUser(patch, changed.context(), changed.callback());
        QVERIFY(changed.wait());
        QVERIFY(!changed.get<1>());
    }
    QVERIFY(!findThroughApi(m_mainApi.get(), username)->passwordExpired);

    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("reset-password"),
        username, QStringLiteral("--format"), QStringLiteral("json") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject shown = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QCOMPARE(shown.value(QStringLiteral("password_expired")), QJsonValue(true));
    const QString temporary = shown.value(QStringLiteral("temporary_password")).toString();
    QCOMPARE(temporary.size(), 20);

    QVERIFY(findThroughApi(m_mainApi.get(), username)->passwordExpired);
    QVERIFY(signInAs(m_main, username, QStringLiteral("own-Pa55word")));
    const ApiError signIn = signInAs(m_main, username, temporary);
    QVERIFY2(!signIn, qPrintable(signIn.message));

    // The text output says so too.
    const CliRun text
        = runAsAdmin({ QStringLiteral("users"), QStringLiteral("reset-password"), username });
    QVERIFY2(text.exitCode == 0, qPrintable(text.err));
    QVERIFY2(text.out.contains(QStringLiteral("must be changed")), qPrintable(text.out));
}

void TestCliUsers::renameDisplayName()
{
    const User user = createThroughApi(
        m_mainApi.get(), QStringLiteral("renamee"), QStringLiteral("Pa55word-x"));
    QVERIFY(!user.id.isEmpty());
    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("rename"),
        QStringLiteral("renamee"), QStringLiteral("Rena Mee") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto after = findThroughApi(m_mainApi.get(), QStringLiteral("renamee"));
    QVERIFY(after);
    QCOMPARE(after->name, QStringLiteral("Rena Mee"));

    // A control character in a display name is refused before sending.
    const CliRun refused = runAsAdmin({ QStringLiteral("users"), QStringLiteral("rename"),
        QStringLiteral("renamee"), QStringLiteral("Rena\u0007") });
    QCOMPARE(refused.exitCode, 1);
    QCOMPARE(findThroughApi(m_mainApi.get(), QStringLiteral("renamee"))->name,
        QStringLiteral("Rena Mee"));
}

void TestCliUsers::renameCaseOnlyUsername()
{
    // CASES 5, on a control plane where "name" changes the username: a case-only rename is
    // not a collision with itself.
    const User user = createThroughApi(
        m_lonelyApi.get(), QStringLiteral("Fenhl"), QStringLiteral("Pa55word-x"));
    QVERIFY(!user.id.isEmpty());
    const CliRun result = run(m_lonely, m_lonely.username, m_lonely.password,
        { QStringLiteral("users"), QStringLiteral("rename"), QStringLiteral("Fenhl"),
            QStringLiteral("fenhl"), QStringLiteral("--change-username") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(findThroughApi(m_lonelyApi.get(), QStringLiteral("fenhl")));
    QVERIFY(!findThroughApi(m_lonelyApi.get(), QStringLiteral("Fenhl")));

    // Where "name" is the display name, a username change is undone and reported.
    const CliRun elsewhere
        = runAsAdmin({ QStringLiteral("users"), QStringLiteral("rename"), QStringLiteral("renamee"),
            QStringLiteral("Renamee"), QStringLiteral("--change-username") });
    QCOMPARE(elsewhere.exitCode, 1);
    QVERIFY2(elsewhere.err.contains(QStringLiteral("does not change usernames")),
        qPrintable(elsewhere.err));
    QVERIFY(findThroughApi(m_mainApi.get(), QStringLiteral("renamee")));
}

void TestCliUsers::deleteWithYes()
{
    const User user
        = createThroughApi(m_mainApi.get(), QStringLiteral("leaver"), QStringLiteral("Pa55word-x"));
    QVERIFY(!user.id.isEmpty());
    const CliRun result = runAsAdmin({ QStringLiteral("users"), QStringLiteral("delete"),
        QStringLiteral("Leaver"), QStringLiteral("--yes") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(result.out.contains(QStringLiteral("stay")));

    CallbackWaiter<User, ApiError> fetched;
    m_mainApi->client()->fetchUser(user.id, fetched.context(), fetched.callback());
    QVERIFY(fetched.wait());
    QCOMPARE(fetched.get<1>().kind, ApiError::Kind::NotFound);
}

void TestCliUsers::deleteWithoutYesOrTerminalIsRefused()
{
    const User user
        = createThroughApi(m_mainApi.get(), QStringLiteral("stayer"), QStringLiteral("Pa55word-x"));
    QVERIFY(!user.id.isEmpty());
    const CliRun result = runAsAdmin(
        { QStringLiteral("users"), QStringLiteral("delete"), QStringLiteral("stayer") });
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("--yes")), qPrintable(result.err));
    QVERIFY(findThroughApi(m_mainApi.get(), QStringLiteral("stayer")));
}

void TestCliUsers::deleteOfAUserAnotherClientDeleted()
{
    // CASES 14: the account is deleted by another client while the administrator types the
    // confirmation; the server's 404 is shown, status 1.
    PseudoTerminal terminal;
    if (!terminal.isOpen())
        QSKIP("no pseudo-terminal available");
    const User user
        = createThroughApi(m_mainApi.get(), QStringLiteral("ghost"), QStringLiteral("Pa55word-x"));
    QVERIFY(!user.id.isEmpty());

    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(QStringLiteral("ZENML_PASSWORD"), m_main.password);
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setStandardInputFile(terminal.slavePath());
    process.start(executable(),
        { QStringLiteral("users"), QStringLiteral("delete"), QStringLiteral("ghost"),
            QStringLiteral("--server"), m_main.apiRoot.toString(), QStringLiteral("--username"),
            m_main.username });
    QString err;
    QVERIFY(QTest::qWaitFor(
        [&] {
            err += QString::fromUtf8(process.readAllStandardError());
            return err.contains(QStringLiteral("Type the username"))
                || process.state() == QProcess::NotRunning;
        },
        15000));
    QVERIFY2(err.contains(QStringLiteral("stay")), qPrintable(err));

    CallbackWaiter<ApiError> deleted;
    m_mainApi->client()->deleteUser(user.id, deleted.context(), deleted.callback());
    QVERIFY(deleted.wait());
    QVERIFY(!deleted.get<0>());

    terminal.type(QStringLiteral("ghost"));
    QVERIFY(process.waitForFinished(15000));
    err += QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains(QStringLiteral("User not found")), qPrintable(err));

    // An id the list does not hold goes to the server, which has the last word.
    const CliRun byId = runAsAdmin(
        { QStringLiteral("users"), QStringLiteral("delete"), user.id, QStringLiteral("--yes") });
    QCOMPARE(byId.exitCode, 1);
    QVERIFY2(byId.err.contains(QStringLiteral("User not found")), qPrintable(byId.err));
}

// --- guards ---

void TestCliUsers::lastSuperuserCannotLockOut_data()
{
    QTest::addColumn<bool>("asOwner"); // else as the reserved admin
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");

    // CASES 1 and 2: the owner is the only super-user and the signed-in account.
    QTest::newRow("revoke self") << true << QStringList { "users", "set-superuser", "owner", "off" }
                                 << "your own account";
    QTest::newRow("grant self") << true << QStringList { "users", "set-superuser", "OWNER", "on" }
                                << "your own account";
    QTest::newRow("delete self") << true << QStringList { "users", "delete", "owner", "--yes" }
                                 << "your own account";
    QTest::newRow("admin revokes the last")
        << false << QStringList { "users", "set-superuser", "owner", "off" } << "last super-user";
    QTest::newRow("admin deletes the last")
        << false << QStringList { "users", "delete", "owner", "--yes" } << "last super-user";
}

void TestCliUsers::lastSuperuserCannotLockOut()
{
    QFETCH(bool, asOwner);
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);

    const CliRun result = asOwner ? run(m_lonely, QStringLiteral("owner"), m_ownerPassword,
                              arguments + QStringList { "--verbose" })
                                  : run(m_lonely, m_lonely.username, m_lonely.password,
                                      arguments + QStringList { "--verbose" });
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(reason), qPrintable(result.err));
    // Nothing was sent: the verbose log shows every request, and none changes anything.
    QVERIFY2(!result.err.contains(QStringLiteral("PATCH ")), qPrintable(result.err));
    QVERIFY2(!result.err.contains(QStringLiteral("DELETE ")), qPrintable(result.err));

    const auto owner = findThroughApi(m_lonelyApi.get(), QStringLiteral("owner"));
    QVERIFY(owner);
    QVERIFY(owner->isSuperuser);
}

void TestCliUsers::nonSuperuserIsReadOnly_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("create") << QStringList { "users", "create", "newbie", "--generate-password" };
    QTest::newRow("grant") << QStringList { "users", "set-superuser", "stayer", "on" };
    QTest::newRow("reset") << QStringList { "users", "reset-password", "stayer" };
    QTest::newRow("rename") << QStringList { "users", "rename", "stayer", "Stay Er" };
    QTest::newRow("delete") << QStringList { "users", "delete", "stayer", "--yes" };
}

void TestCliUsers::nonSuperuserIsReadOnly()
{
    QFETCH(QStringList, arguments);
    // A seeded local account that is not a super-user (seeded accounts share one password).
    const UserList all = listThroughApi(m_mainApi.get());
    const auto plain = std::find_if(all.cbegin(), all.cend(), [](const User& user) {
        return !user.isSuperuser && !user.isSso() && !user.isServiceAccount
            && user.username != QLatin1String("admin") && !user.passwordExpired;
    });
    QVERIFY(plain != all.cend());
    if (!findThroughApi(m_mainApi.get(), QStringLiteral("stayer")))
        QVERIFY(!createThroughApi(
            m_mainApi.get(), QStringLiteral("stayer"), QStringLiteral("Pa55word-x"))
                     .id.isEmpty());
    const User before = *findThroughApi(m_mainApi.get(), QStringLiteral("stayer"));

    const CliRun result = run(m_main, plain->username, kSeededPassword, arguments);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("read-only")), qPrintable(result.err));
    QCOMPARE(*findThroughApi(m_mainApi.get(), QStringLiteral("stayer")), before);
    QVERIFY(!findThroughApi(m_mainApi.get(), QStringLiteral("newbie")));

    // Reading is allowed.
    const CliRun list = run(m_main, plain->username, kSeededPassword,
        { QStringLiteral("users"), QStringLiteral("list") });
    QVERIFY2(list.exitCode == 0, qPrintable(list.err));
}

// --- failures ---

void TestCliUsers::wrongPasswordIsAnAuthenticationFailure()
{
    const CliRun result = run(m_main, m_main.username, QStringLiteral("not-the-password"),
        { QStringLiteral("users"), QStringLiteral("list") });
    QCOMPARE(result.exitCode, 4);
    QVERIFY(result.err.contains(QStringLiteral("Sign-in failed")));
    QCOMPARE(result.out, QString());
    QVERIFY(!result.err.contains(QStringLiteral("not-the-password")));
}

void TestCliUsers::unreachableServerIsAConnectionFailure()
{
    // A port that was free a moment ago: nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();

    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(QStringLiteral("ZENML_PASSWORD"), QStringLiteral("whatever-password"));
    const CliRun result
        = runRaw({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--server"),
                     QStringLiteral("http://127.0.0.1:%1").arg(port), QStringLiteral("--username"),
                     QStringLiteral("admin") },
            environment);
    QCOMPARE(result.exitCode, 3);
    QVERIFY2(result.err.contains(QStringLiteral("Could not reach")), qPrintable(result.err));
}

// http:// to another machine: refused before anything, even a connection, is attempted.
// 192.0.2.1 is reserved for documentation and is never contacted.
void TestCliUsers::plainHttpElsewhereNeedsConsent()
{
    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(QStringLiteral("ZENML_PASSWORD"), QStringLiteral("whatever-password"));
    const CliRun result = runRaw({ QStringLiteral("users"), QStringLiteral("list"),
                                     QStringLiteral("--server"), QStringLiteral("http://192.0.2.1"),
                                     QStringLiteral("--username"), QStringLiteral("admin") },
        environment);
    QCOMPARE(result.exitCode, 3);
    QVERIFY2(result.err.contains(QStringLiteral("Nothing was sent")), qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("--allow-http")), qPrintable(result.err));
}

void TestCliUsers::usageErrorsSendNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("password as an argument")
        << QStringList { "users", "list", "--password", "hunter2-secret" } << "not accepted";
    QTest::newRow("unknown option") << QStringList { "users", "list", "--frob" } << "frob";
    QTest::newRow("create without a password source on no terminal")
        << QStringList { "users", "create", "nopass" } << "--generate-password";
}

void TestCliUsers::usageErrorsSendNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CliRun result = runAsAdmin(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY(!result.err.contains(QStringLiteral("hunter2")));
    QVERIFY(!findThroughApi(m_mainApi.get(), QStringLiteral("nopass")));
}

void TestCliUsers::loginAndLogoutWithAToken()
{
    // A token issued to the admin, handed over the way scripts do: ZENML_TOKEN.
    ApiClient client(&m_network);
    client.setApiRoot(m_main.apiRoot);
    CallbackWaiter<LoginResult, ApiError> login;
    client.login(m_main.username, m_main.password, login.context(), login.callback());
    QVERIFY(login.wait());
    QVERIFY(!login.get<1>());
    const QString token = login.get<0>().accessToken;

    QProcessEnvironment environment = cleanEnvironment();
    environment.insert(QStringLiteral("ZENML_TOKEN"), token);
    environment.insert(QStringLiteral("ZENML_SERVER"), m_main.apiRoot.toString());
    CliRun result
        = runRaw({ QStringLiteral("login"), QStringLiteral("--format"), QStringLiteral("json") },
            environment);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QJsonObject who = QJsonDocument::fromJson(result.out.toUtf8()).object();
    QCOMPARE(
        who.value(QStringLiteral("user")).toObject().value(QStringLiteral("username")).toString(),
        m_main.username);

    // The password flow says when the token expires.
    result = run(m_main, m_main.username, m_main.password, { QStringLiteral("login") });
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(QStringLiteral("expires at")), qPrintable(result.out));

    result = runRaw({ QStringLiteral("logout") }, environment);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));

    // The server no longer accepts the token.
    client.setAccessToken(token);
    CallbackWaiter<User, ApiError> me;
    client.fetchCurrentUser(me.context(), me.callback());
    QVERIFY(me.wait());
    QCOMPARE(me.get<1>().kind, ApiError::Kind::Unauthorized);
    result = runRaw({ QStringLiteral("login") }, environment);
    QCOMPARE(result.exitCode, 4);
}

QTEST_GUILESS_MAIN(TestCliUsers)
#include "tst_cli_users.moc"
