// The sandbox control plane over real HTTP on loopback: every endpoint, rule, error shape and
// open-question switch of control-plane-api.md.

#include "sandbox/SandboxHttpClient.h"
#include "sandbox/SandboxServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace zenml::sandbox;
using namespace zenml::sandbox::test;

namespace {

const QString SpecialPassword = QStringLiteral("p@ss w+rd&=%é😀");

// Cheap hashing keeps the many logins of this test fast; PasswordHasher has its own test.
SandboxOptions fastOptions()
{
    SandboxOptions options;
    options.passwordIterations = 1000;
    options.adminPassword = QStringLiteral("admin-secret");
    return options;
}

const QStringList ContractFields = {
    QStringLiteral("id"),
    QStringLiteral("username"),
    QStringLiteral("name"),
    QStringLiteral("email"),
    QStringLiteral("password"),
    QStringLiteral("password_expired"),
    QStringLiteral("is_active"),
    QStringLiteral("is_superuser"),
    QStringLiteral("is_service_account"),
    QStringLiteral("oauth_provider"),
    QStringLiteral("oauth_id"),
    QStringLiteral("avatar_url"),
    QStringLiteral("company"),
    QStringLiteral("job_title"),
    QStringLiteral("metadata"),
    QStringLiteral("organization_id"),
};

} // namespace

class TestSandboxServer final : public QObject
{
    Q_OBJECT

private:
    struct Running
    {
        std::unique_ptr<SandboxServer> server;
        std::unique_ptr<SandboxHttpClient> http;
        QString adminToken;
    };

    // Starts a server on a free loopback port and logs the admin in.
    static Running start(const SandboxOptions& options = fastOptions())
    {
        Running running;
        running.server = std::make_unique<SandboxServer>(options);
        if (!running.server->listen())
            qFatal("sandbox did not start: %s", qPrintable(running.server->errorString()));
        running.http = std::make_unique<SandboxHttpClient>(running.server->apiRoot());
        running.adminToken
            = running.http->token(running.server->adminUsername(), running.server->adminPassword());
        return running;
    }

    // Creates a local user through the API and returns its id.
    static QString createUser(Running& running, const QString& username,
        const QString& password = QStringLiteral("initial-password"),
        const QString& isSuperuser = {})
    {
        const HttpResult result
            = running.http->createUser(running.adminToken, username, password, isSuperuser);
        return result.object().value(QStringLiteral("id")).toString();
    }

    static void verifyDetail(const HttpResult& result, int status)
    {
        QCOMPARE(result.status, status);
        QCOMPARE(result.contentType, QByteArray("application/json"));
        QVERIFY2(result.object().value(QStringLiteral("detail")).isString(), result.body);
        QVERIFY(!result.detail().isEmpty());
        if (status == 401)
            QCOMPARE(result.header("WWW-Authenticate"), QByteArray("Bearer"));
    }

    // FastAPI's 422: {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}
    static void verifyValidation(const HttpResult& result, const QStringList& location)
    {
        QCOMPARE(result.status, 422);
        QCOMPARE(result.contentType, QByteArray("application/json"));
        const QJsonArray errors = result.object().value(QStringLiteral("detail")).toArray();
        QVERIFY2(!errors.isEmpty(), result.body);
        bool found = false;
        for (const QJsonValue& error : errors) {
            const QJsonObject object = error.toObject();
            QVERIFY(object.value(QStringLiteral("msg")).isString());
            QVERIFY(object.value(QStringLiteral("type")).isString());
            QStringList loc;
            const QJsonArray locArray = object.value(QStringLiteral("loc")).toArray();
            for (const QJsonValue& part : locArray)
                loc.append(part.toVariant().toString());
            found = found || loc == location;
        }
        QVERIFY2(found, result.body);
    }

    // The user as GET /users/{id} shows it is, byte for byte, the user as the listing shows it;
    // a deleted user is in neither.
    static void verifyListedAsServed(Running& running, const QString& id)
    {
        const HttpResult page
            = running.http->get(QStringLiteral("/users"), running.adminToken, "limit=1000");
        QCOMPARE(page.status, 200);
        const HttpResult single = running.http->get(u"/users/"_qs + id, running.adminToken);
        QJsonObject listed;
        for (const QJsonValue& user : page.array()) {
            if (user.toObject().value(QStringLiteral("id")).toString() == id)
                listed = user.toObject();
        }
        if (single.status == 404) {
            QVERIFY2(listed.isEmpty(), page.body);
            return;
        }
        QCOMPARE(single.status, 200);
        QCOMPARE(listed, single.object());
        QVERIFY2(page.body.contains(single.body), single.body);
    }

private slots:
    void initTestCase();
    void loginAnswersBearerToken();
    void loginAcceptsBlankOAuthFields();
    void loginRefusesBadCredentials_data();
    void loginRefusesBadCredentials();
    void loginWithoutPasswordIsValidationError();
    void missingOrInvalidTokenIs401_data();
    void missingOrInvalidTokenIs401();
    void logoutRevokesToken();
    void tokenExpires();
    void apiKeys_data();
    void apiKeys();
    void meHasContractFields();
    void getUserByIdEmailAndMe();
    void createUser();
    void createStatus_data();
    void createStatus();
    void firstApiUserBecomesSuperuser();
    void createValidation_data();
    void createValidation();
    void duplicateUsernameIs409();
    void createIgnoresBody();
    void specialCharacterPassword();
    void plusInQueryIsSpace();
    void nonSuperuserIsForbidden();
    void patchChangesFields();
    void patchValidation_data();
    void patchValidation();
    void selfChangeRules();
    void passwordExpiry();
    void ssoAccountCannotGetPassword();
    void inactiveUserCannotLogIn();
    void adminIsProtected();
    void patchNameChangesUsername();
    void deleteUser();
    void paging();
    void listEnvelope();
    void adminInList_data();
    void adminInList();
    void emailFilter();
    void expiredPasswordLogin();
    void persistsAcrossRestart();
    void seedingIsDeterministic();
    void unknownRouteAndMethod();
    void faultReplacesAnswer();
    void faultSkipsThenApplies();
    void faultDelaysAnswer();
    void largeListPagesAreComplete();
    void listedUsersAreTheirOwnAnswers();
    void listingFollowsEveryChange_data();
    void listingFollowsEveryChange();
};

void TestSandboxServer::initTestCase()
{
    // Each test starts servers and logs in many times; warnings still show.
    QLoggingCategory::setFilterRules(QStringLiteral("zenml.sandbox.info=false"));
}

void TestSandboxServer::loginAnswersBearerToken()
{
    Running running = start();
    const HttpResult result
        = running.http->login(QStringLiteral("admin"), QStringLiteral("admin-secret"));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.contentType, QByteArray("application/json"));
    const QJsonObject body = result.object();
    QVERIFY(body.value(QStringLiteral("access_token")).toString().size() >= 40);
    QCOMPARE(body.value(QStringLiteral("token_type")).toString(), QStringLiteral("bearer"));
    QCOMPARE(body.value(QStringLiteral("expires_in")).toInt(), 3600);
    QVERIFY(!running.adminToken.isEmpty());
    QVERIFY(running.adminToken != body.value(QStringLiteral("access_token")).toString());
}

void TestSandboxServer::loginAcceptsBlankOAuthFields()
{
    Running running = start();
    const HttpResult result
        = running.http->login(QStringLiteral("admin"), QStringLiteral("admin-secret"),
            { { QStringLiteral("grant_type"), {} }, { QStringLiteral("client_id"), {} },
                { QStringLiteral("client_secret"), {} } });
    QCOMPARE(result.status, 200);
}

void TestSandboxServer::loginRefusesBadCredentials_data()
{
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::newRow("wrong password") << "admin"
                                    << "admin-secreT";
    QTest::newRow("unknown user") << "nobody"
                                  << "admin-secret";
    QTest::newRow("password of another account") << "carol"
                                                 << "admin-secret";
    QTest::newRow("sso account") << "sso"
                                 << "anything";
    QTest::newRow("service account") << "bot"
                                     << "anything";
}

void TestSandboxServer::loginRefusesBadCredentials()
{
    QFETCH(QString, username);
    QFETCH(QString, password);
    SandboxOptions options = fastOptions();
    options.seedCount = 60;
    Running running = start(options);
    createUser(running, QStringLiteral("carol"));

    // SSO and service accounts have no local password, whatever is sent.
    if (username == u"sso" || username == u"bot") {
        const QJsonArray users
            = running.http->get(QStringLiteral("/users"), running.adminToken).array();
        for (const QJsonValue& value : users) {
            const QJsonObject user = value.toObject();
            const bool sso = user.value(QStringLiteral("oauth_provider")).isString();
            const bool bot = user.value(QStringLiteral("is_service_account")).toBool();
            if ((username == u"sso" && sso) || (username == u"bot" && bot)) {
                username = user.value(QStringLiteral("username")).toString();
                break;
            }
        }
        QVERIFY(username != u"sso" && username != u"bot");
    }
    verifyDetail(running.http->login(username, password), 401);
}

void TestSandboxServer::loginWithoutPasswordIsValidationError()
{
    Running running = start();
    const HttpResult result = running.http->send("POST", QStringLiteral("/auth/login"), {}, {},
        "username=admin", "application/x-www-form-urlencoded");
    verifyValidation(result, { QStringLiteral("body"), QStringLiteral("password") });
}

void TestSandboxServer::missingOrInvalidTokenIs401_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("none") << QByteArray();
    QTest::newRow("unknown token") << QByteArray("Bearer not-a-token");
    QTest::newRow("empty bearer") << QByteArray("Bearer ");
    QTest::newRow("basic scheme") << QByteArray("Basic YWRtaW46YWRtaW4=");
}

void TestSandboxServer::missingOrInvalidTokenIs401()
{
    QFETCH(QByteArray, authorization);
    Running running = start();
    QNetworkAccessManager network;
    const QStringList paths = { QStringLiteral("/users"), QStringLiteral("/users/me") };
    for (const QString& path : paths) {
        QUrl url = running.server->apiRoot();
        url.setPath(url.path() + path);
        QNetworkRequest request(url);
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        std::unique_ptr<QNetworkReply> reply(network.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        HttpResult result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        result.headers = reply->rawHeaderPairs();
        verifyDetail(result, 401);
    }
}

void TestSandboxServer::logoutRevokesToken()
{
    Running running = start();
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 200);
    const HttpResult logout
        = running.http->send("POST", QStringLiteral("/auth/logout"), running.adminToken);
    QCOMPARE(logout.status, 200);
    QCOMPARE(logout.contentType, QByteArray("application/json"));
    verifyDetail(running.http->get(QStringLiteral("/users/me"), running.adminToken), 401);
    verifyDetail(
        running.http->send("POST", QStringLiteral("/auth/logout"), running.adminToken), 401);
}

void TestSandboxServer::tokenExpires()
{
    SandboxOptions options = fastOptions();
    options.tokenTtlSeconds = 1;
    Running running = start(options);
    const HttpResult login
        = running.http->login(QStringLiteral("admin"), QStringLiteral("admin-secret"));
    QCOMPARE(login.object().value(QStringLiteral("expires_in")).toInt(), 1);
    const QString token = login.object().value(QStringLiteral("access_token")).toString();
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), token).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(
        running.http->get(QStringLiteral("/users/me"), token).status, 401, 3000);
    verifyDetail(running.http->get(QStringLiteral("/users/me"), token), 401);
}

void TestSandboxServer::apiKeys_data()
{
    QTest::addColumn<bool>("fromOptions");
    QTest::newRow("--api-key") << true;
    QTest::newRow("createApiKey()") << false;
}

void TestSandboxServer::apiKeys()
{
    QFETCH(bool, fromOptions);
    SandboxOptions options = fastOptions();
    const QString optionKey = QStringLiteral("ZENPROKEY_test-key-0123456789");
    if (fromOptions)
        options.apiKeys = { optionKey };
    Running running = start(options);
    const QString key = fromOptions ? optionKey : running.server->createApiKey();
    QVERIFY(key.startsWith(u"ZENPROKEY_"));

    // Sent directly as a bearer token, the key acts as the admin.
    const HttpResult me = running.http->get(QStringLiteral("/users/me"), key);
    QCOMPARE(me.status, 200);
    QCOMPARE(me.object().value(QStringLiteral("username")).toString(), QStringLiteral("admin"));

    // Exchanged at /auth/login as the password with an empty username.
    const HttpResult exchanged = running.http->login(QString(), key);
    QCOMPARE(exchanged.status, 200);
    const QString token = exchanged.object().value(QStringLiteral("access_token")).toString();
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), token).status, 200);

    verifyDetail(running.http->login(QString(), key + u'x'), 401);
    verifyDetail(running.http->get(QStringLiteral("/users/me"), key + u'x'), 401);
}

void TestSandboxServer::meHasContractFields()
{
    Running running = start();
    const HttpResult result = running.http->get(QStringLiteral("/users/me"), running.adminToken);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.contentType, QByteArray("application/json"));
    const QJsonObject me = result.object();
    for (const QString& field : ContractFields)
        QVERIFY2(me.contains(field), qPrintable(field));
    // Fields the contract does not name, which clients must ignore.
    QVERIFY(me.contains(QStringLiteral("created")));
    QVERIFY(me.value(QStringLiteral("id")).isString());
    QCOMPARE(me.value(QStringLiteral("id")).toString(), running.server->adminId());
    QCOMPARE(me.value(QStringLiteral("username")).toString(), QStringLiteral("admin"));
    QVERIFY(me.value(QStringLiteral("password")).isNull());
    QCOMPARE(me.value(QStringLiteral("is_superuser")).toBool(), true);
    QCOMPARE(me.value(QStringLiteral("is_active")).toBool(), true);
    QCOMPARE(me.value(QStringLiteral("is_service_account")).toBool(), false);
    QVERIFY(me.value(QStringLiteral("oauth_provider")).isNull());
    QVERIFY(me.value(QStringLiteral("metadata")).isObject());
}

void TestSandboxServer::getUserByIdEmailAndMe()
{
    SandboxOptions options = fastOptions();
    options.seedCount = 20;
    Running running = start(options);
    const QJsonArray users
        = running.http->get(QStringLiteral("/users"), running.adminToken).array();
    QJsonObject withEmail;
    for (const QJsonValue& value : users) {
        if (value.toObject().value(QStringLiteral("email")).isString()) {
            withEmail = value.toObject();
            break;
        }
    }
    QVERIFY(!withEmail.isEmpty());
    const QString id = withEmail.value(QStringLiteral("id")).toString();
    const QString email = withEmail.value(QStringLiteral("email")).toString();

    HttpResult result = running.http->get(u"/users/"_qs + id, running.adminToken);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object(), withEmail);
    result = running.http->get(u"/users/"_qs + id.toUpper(), running.adminToken);
    QCOMPARE(result.object().value(QStringLiteral("id")).toString(), id);
    result = running.http->get(u"/users/"_qs + email.toUpper(), running.adminToken);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object().value(QStringLiteral("id")).toString(), id);

    verifyDetail(running.http->get(QStringLiteral("/users/00000000-0000-4000-8000-000000000000"),
                     running.adminToken),
        404);
    verifyDetail(
        running.http->get(QStringLiteral("/users/nobody@example.invalid"), running.adminToken),
        404);
    verifyDetail(running.http->get(QStringLiteral("/users/not-an-id"), running.adminToken), 404);
}

void TestSandboxServer::createUser()
{
    Running running = start();
    createUser(running, QStringLiteral("first"));
    const HttpResult result = running.http->createUser(
        running.adminToken, QStringLiteral("newuser"), QStringLiteral("initial-password"));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.contentType, QByteArray("application/json"));
    const QJsonObject user = result.object();
    for (const QString& field : ContractFields)
        QVERIFY2(user.contains(field), qPrintable(field));
    QCOMPARE(user.value(QStringLiteral("username")).toString(), QStringLiteral("newuser"));
    QCOMPARE(user.value(QStringLiteral("password_expired")).toBool(), true);
    QCOMPARE(user.value(QStringLiteral("is_superuser")).toBool(), false);
    QCOMPARE(user.value(QStringLiteral("is_active")).toBool(), true);
    QVERIFY(user.value(QStringLiteral("password")).isNull());
    QVERIFY(user.value(QStringLiteral("oauth_provider")).isNull());
    QCOMPARE(QUuid::fromString(user.value(QStringLiteral("id")).toString()).isNull(), false);

    const HttpResult fetched = running.http->get(
        u"/users/"_qs + user.value(QStringLiteral("id")).toString(), running.adminToken);
    QCOMPARE(fetched.object(), user);
    QVERIFY(!running.http->token(QStringLiteral("newuser"), QStringLiteral("initial-password"))
                 .isEmpty());

    const HttpResult super = running.http->createUser(running.adminToken,
        QStringLiteral("newsuperuser"), QStringLiteral("initial-password"), QStringLiteral("true"));
    QCOMPARE(super.object().value(QStringLiteral("is_superuser")).toBool(), true);
}

void TestSandboxServer::createStatus_data()
{
    QTest::addColumn<int>("status");
    QTest::newRow("200") << 200;
    QTest::newRow("201") << 201;
}

void TestSandboxServer::createStatus()
{
    QFETCH(int, status);
    SandboxOptions options = fastOptions();
    options.createStatus = status;
    Running running = start(options);
    QCOMPARE(
        running.http->createUser(running.adminToken, QStringLiteral("u1"), QStringLiteral("pw"))
            .status,
        status);
}

void TestSandboxServer::firstApiUserBecomesSuperuser()
{
    Running running = start();
    const HttpResult first = running.http->createUser(
        running.adminToken, QStringLiteral("first"), QStringLiteral("pw"), QStringLiteral("false"));
    QCOMPARE(first.object().value(QStringLiteral("is_superuser")).toBool(), true);
    const HttpResult second = running.http->createUser(
        running.adminToken, QStringLiteral("second"), QStringLiteral("pw"));
    QCOMPARE(second.object().value(QStringLiteral("is_superuser")).toBool(), false);

    // Seeded installations already have users: no first user there.
    SandboxOptions options = fastOptions();
    options.seedCount = 5;
    Running seeded = start(options);
    const HttpResult created
        = seeded.http->createUser(seeded.adminToken, QStringLiteral("first"), QStringLiteral("pw"));
    QCOMPARE(created.object().value(QStringLiteral("is_superuser")).toBool(), false);
}

void TestSandboxServer::createValidation_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("field");
    QTest::newRow("no username") << QByteArray("password=pw") << "username";
    QTest::newRow("no password") << QByteArray("username=joe") << "password";
    QTest::newRow("nothing") << QByteArray() << "username";
    QTest::newRow("empty username") << QByteArray("username=&password=pw") << "username";
    QTest::newRow("empty password") << QByteArray("username=joe&password=") << "password";
    QTest::newRow("leading space") << QByteArray("username=%20john&password=pw") << "username";
    QTest::newRow("trailing tab") << QByteArray("username=john%09&password=pw") << "username";
    QTest::newRow("no-break space") << QByteArray("username=john%C2%A0&password=pw") << "username";
    QTest::newRow("control character") << QByteArray("username=jo%01hn&password=pw") << "username";
    QTest::newRow("zero-width space")
        << QByteArray("username=jo%E2%80%8Bhn&password=pw") << "username";
    QTest::newRow("bad boolean") << QByteArray("username=joe&password=pw&is_superuser=maybe")
                                 << "is_superuser";
}

void TestSandboxServer::createValidation()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, field);
    Running running = start();
    const HttpResult result
        = running.http->send("POST", QStringLiteral("/users"), running.adminToken, query);
    verifyValidation(result, { QStringLiteral("query"), field });
    // Nothing was created.
    QCOMPARE(running.http->get(QStringLiteral("/users"), running.adminToken).array().size(), 1);
}

void TestSandboxServer::duplicateUsernameIs409()
{
    Running running = start();
    QVERIFY(!createUser(running, QStringLiteral("Alice")).isEmpty());
    verifyDetail(
        running.http->createUser(running.adminToken, QStringLiteral("Alice"), QStringLiteral("pw")),
        409);
    // Usernames are unique without regard to case.
    verifyDetail(
        running.http->createUser(running.adminToken, QStringLiteral("alice"), QStringLiteral("pw")),
        409);
    verifyDetail(
        running.http->createUser(running.adminToken, QStringLiteral("ADMIN"), QStringLiteral("pw")),
        409);
    // The case given at creation is kept, and login takes any case.
    const HttpResult alice = running.http->get(QStringLiteral("/users"), running.adminToken);
    QCOMPARE(alice.array().at(1).toObject().value(QStringLiteral("username")).toString(),
        QStringLiteral("Alice"));
    QVERIFY(!running.http->token(QStringLiteral("alice"), QStringLiteral("initial-password"))
                 .isEmpty());
}

void TestSandboxServer::createIgnoresBody()
{
    Running running = start();
    const HttpResult result = running.http->send("POST", QStringLiteral("/users"),
        running.adminToken,
        formEncode({ { QStringLiteral("username"), QStringLiteral("q") },
            { QStringLiteral("password"), QStringLiteral("pw") } }),
        R"({"username": "body", "password": "other", "is_superuser": true})", "application/json");
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object().value(QStringLiteral("username")).toString(), QStringLiteral("q"));
    QVERIFY(!running.http->token(QStringLiteral("q"), QStringLiteral("pw")).isEmpty());
}

void TestSandboxServer::specialCharacterPassword()
{
    Running running = start();
    // Through the create query string and the login form.
    const QString id = createUser(running, QStringLiteral("special"), SpecialPassword);
    QVERIFY(!id.isEmpty());
    QVERIFY(!running.http->token(QStringLiteral("special"), SpecialPassword).isEmpty());
    QCOMPARE(
        running.http->login(QStringLiteral("special"), QStringLiteral("p@ss w rd&=%é😀")).status,
        401);

    // Through a JSON PATCH, set by the user, and the login form again.
    const QString token = running.http->token(QStringLiteral("special"), SpecialPassword);
    const QString changed = SpecialPassword + QStringLiteral(" \"quoted\" \\ +%2B");
    QCOMPARE(
        running.http
            ->patch(QStringLiteral("/users/me"), token, { { QStringLiteral("password"), changed } })
            .status,
        200);
    QVERIFY(!running.http->token(QStringLiteral("special"), changed).isEmpty());
    QCOMPARE(running.http->login(QStringLiteral("special"), SpecialPassword).status, 401);

    // The admin's own password can be anything too.
    SandboxOptions options = fastOptions();
    options.adminPassword = SpecialPassword;
    Running special = start(options);
    QVERIFY(!special.adminToken.isEmpty());
}

void TestSandboxServer::plusInQueryIsSpace()
{
    // As in HTML forms and Starlette's query parsing: a raw '+' is a space, %2B is a plus.
    Running running = start();
    const HttpResult result = running.http->send(
        "POST", QStringLiteral("/users"), running.adminToken, "username=plus&password=a+b%2Bc");
    QCOMPARE(result.status, 200);
    QVERIFY(!running.http->token(QStringLiteral("plus"), QStringLiteral("a b+c")).isEmpty());
    const HttpResult raw = running.http->send("POST", QStringLiteral("/auth/login"), {}, {},
        "username=plus&password=a+b%2Bc", "application/x-www-form-urlencoded");
    QCOMPARE(raw.status, 200);
}

void TestSandboxServer::nonSuperuserIsForbidden()
{
    Running running = start();
    createUser(running, QStringLiteral("boss"));
    const QString otherId = createUser(running, QStringLiteral("other"));
    createUser(running, QStringLiteral("plain"));
    const QString token
        = running.http->token(QStringLiteral("plain"), QStringLiteral("initial-password"));
    QVERIFY(!token.isEmpty());

    QCOMPARE(running.http->get(QStringLiteral("/users"), token).status, 200);
    QCOMPARE(running.http->get(u"/users/"_qs + otherId, token).status, 200);
    verifyDetail(running.http->createUser(token, QStringLiteral("x"), QStringLiteral("pw")), 403);
    verifyDetail(running.http->patch(u"/users/"_qs + otherId, token,
                     { { QStringLiteral("name"), QStringLiteral("X") } }),
        403);
    verifyDetail(running.http->patch(u"/users/"_qs + otherId, token,
                     { { QStringLiteral("password"), QStringLiteral("reset") } }),
        403);
    verifyDetail(running.http->remove(u"/users/"_qs + otherId, token), 403);
    verifyDetail(running.http->remove(u"/users/"_qs + running.server->adminId(), token), 403);

    // Granting super-user status opens the door on the next request.
    const QString plainId = running.http->get(QStringLiteral("/users/me"), token)
                                .object()
                                .value(QStringLiteral("id"))
                                .toString();
    QCOMPARE(running.http
                 ->patch(u"/users/"_qs + plainId, running.adminToken,
                     { { QStringLiteral("is_superuser"), true } })
                 .status,
        200);
    QCOMPARE(running.http
                 ->patch(u"/users/"_qs + otherId, token,
                     { { QStringLiteral("name"), QStringLiteral("X") } })
                 .status,
        200);
}

void TestSandboxServer::patchChangesFields()
{
    Running running = start();
    createUser(running, QStringLiteral("first"));
    const QString id = createUser(running, QStringLiteral("bob"));
    const QString path = u"/users/"_qs + id;

    HttpResult result = running.http->patch(
        path, running.adminToken, { { QStringLiteral("name"), QStringLiteral("Bob B.") } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object().value(QStringLiteral("name")).toString(), QStringLiteral("Bob B."));
    QCOMPARE(result.object().value(QStringLiteral("username")).toString(), QStringLiteral("bob"));

    result = running.http->patch(
        path, running.adminToken, { { QStringLiteral("is_superuser"), true } });
    QCOMPARE(result.object().value(QStringLiteral("is_superuser")).toBool(), true);
    result = running.http->patch(
        path, running.adminToken, { { QStringLiteral("is_superuser"), false } });
    QCOMPARE(result.object().value(QStringLiteral("is_superuser")).toBool(), false);

    result
        = running.http->patch(path, running.adminToken, { { QStringLiteral("is_active"), false } });
    QCOMPARE(result.object().value(QStringLiteral("is_active")).toBool(), false);
    result
        = running.http->patch(path, running.adminToken, { { QStringLiteral("is_active"), true } });
    QCOMPARE(result.object().value(QStringLiteral("is_active")).toBool(), true);

    result = running.http->patch(
        path, running.adminToken, { { QStringLiteral("name"), QJsonValue() } });
    QVERIFY(result.object().value(QStringLiteral("name")).isNull());

    // An empty object changes nothing, and the stored state is what GET shows.
    result = running.http->patch(path, running.adminToken, {});
    QCOMPARE(result.status, 200);
    QCOMPARE(running.http->get(path, running.adminToken).object(), result.object());

    verifyDetail(running.http->patch(QStringLiteral("/users/00000000-0000-4000-8000-000000000000"),
                     running.adminToken, { { QStringLiteral("name"), QStringLiteral("x") } }),
        404);
}

void TestSandboxServer::patchValidation_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("location");
    const QString user = QStringLiteral("USER");
    QTest::newRow("not json") << user << QByteArray("{name: x") << QStringList { "body", "2" };
    QTest::newRow("array") << user << QByteArray("[]") << QStringList { "body" };
    QTest::newRow("empty body") << user << QByteArray() << QStringList { "body" };
    QTest::newRow("string boolean") << user << QByteArray(R"({"is_superuser": "yes"})")
                                    << QStringList { "body", "is_superuser" };
    QTest::newRow("number boolean")
        << user << QByteArray(R"({"is_active": 1})") << QStringList { "body", "is_active" };
    QTest::newRow("number password")
        << user << QByteArray(R"({"password": 123})") << QStringList { "body", "password" };
    QTest::newRow("empty password")
        << user << QByteArray(R"({"password": ""})") << QStringList { "body", "password" };
    QTest::newRow("number name") << user << QByteArray(R"({"name": 5})")
                                 << QStringList { "body", "name" };
    QTest::newRow("unknown field")
        << user << QByteArray(R"({"username": "x"})") << QStringList { "body", "username" };
    QTest::newRow("not a uuid") << QStringLiteral("/users/bob") << QByteArray(R"({"name": "x"})")
                                << QStringList { "path", "user_id" };
}

void TestSandboxServer::patchValidation()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, location);
    Running running = start();
    const QString id = createUser(running, QStringLiteral("bob"));
    if (path == u"USER")
        path = u"/users/"_qs + id;
    const HttpResult before = running.http->get(u"/users/"_qs + id, running.adminToken);
    verifyValidation(running.http->patchRaw(path, running.adminToken, body), location);
    QCOMPARE(running.http->get(u"/users/"_qs + id, running.adminToken).object(), before.object());
}

void TestSandboxServer::selfChangeRules()
{
    Running running = start();
    const QString bossId = createUser(running, QStringLiteral("boss"), QStringLiteral("pw"));
    const QString boss = running.http->token(QStringLiteral("boss"), QStringLiteral("pw"));

    // Nobody changes their own super-user or active status, through either path.
    verifyDetail(running.http->patch(QStringLiteral("/users/me"), boss,
                     { { QStringLiteral("is_superuser"), true } }),
        403);
    verifyDetail(running.http->patch(
                     u"/users/"_qs + bossId, boss, { { QStringLiteral("is_superuser"), false } }),
        403);
    verifyDetail(running.http->patch(
                     QStringLiteral("/users/me"), boss, { { QStringLiteral("is_active"), false } }),
        403);
    verifyDetail(running.http->patch(QStringLiteral("/users/me"), running.adminToken,
                     { { QStringLiteral("is_superuser"), false } }),
        403);
    verifyDetail(running.http->remove(u"/users/"_qs + bossId, boss), 403);
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), boss)
                 .object()
                 .value(QStringLiteral("is_superuser"))
                 .toBool(),
        true);

    // The own display name and password are fine.
    const HttpResult renamed = running.http->patch(QStringLiteral("/users/me"), boss,
        { { QStringLiteral("name"), QStringLiteral("The Boss") } });
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.object().value(QStringLiteral("name")).toString(), QStringLiteral("The Boss"));
}

void TestSandboxServer::passwordExpiry()
{
    Running running = start();
    createUser(running, QStringLiteral("first"));
    const QString id = createUser(running, QStringLiteral("dave"), QStringLiteral("pw1"));
    const QString dave = running.http->token(QStringLiteral("dave"), QStringLiteral("pw1"));
    auto expired = [&](const QString& token) {
        return running.http->get(QStringLiteral("/users/me"), token)
            .object()
            .value(QStringLiteral("password_expired"))
            .toBool();
    };
    QCOMPARE(expired(dave), true);

    // The user's own new password clears the flag; the session stays valid.
    HttpResult result = running.http->patch(QStringLiteral("/users/me"), dave,
        { { QStringLiteral("password"), QStringLiteral("pw2") } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object().value(QStringLiteral("password_expired")).toBool(), false);
    QCOMPARE(expired(dave), false);

    // An administrator's reset sets it again and ends the user's sessions.
    result = running.http->patch(u"/users/"_qs + id, running.adminToken,
        { { QStringLiteral("password"), QStringLiteral("temporary") } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object().value(QStringLiteral("password_expired")).toBool(), true);
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), dave).status, 401);
    QCOMPARE(running.http->login(QStringLiteral("dave"), QStringLiteral("pw2")).status, 401);
    const QString again = running.http->token(QStringLiteral("dave"), QStringLiteral("temporary"));
    QCOMPARE(expired(again), true);

    // Setting one's own password through /users/{own id} counts as one's own too.
    result = running.http->patch(
        u"/users/"_qs + id, again, { { QStringLiteral("password"), QStringLiteral("pw3") } });
    QCOMPARE(result.object().value(QStringLiteral("password_expired")).toBool(), false);
}

void TestSandboxServer::ssoAccountCannotGetPassword()
{
    SandboxOptions options = fastOptions();
    options.seedCount = 60;
    Running running = start(options);
    const QJsonArray users
        = running.http->get(QStringLiteral("/users"), running.adminToken).array();
    QJsonObject sso;
    for (const QJsonValue& value : users) {
        if (value.toObject().value(QStringLiteral("oauth_provider")).isString()) {
            sso = value.toObject();
            break;
        }
    }
    QVERIFY(!sso.isEmpty());
    QCOMPARE(sso.value(QStringLiteral("username")), sso.value(QStringLiteral("email")));
    const QString path = u"/users/"_qs + sso.value(QStringLiteral("id")).toString();
    const HttpResult result = running.http->patch(
        path, running.adminToken, { { QStringLiteral("password"), QStringLiteral("local") } });
    verifyDetail(result, 403);
    QVERIFY(result.detail().contains(u"SSO"));
    QCOMPARE(running.http->get(path, running.adminToken).object(), sso);
    // Other changes to an SSO account are fine.
    QCOMPARE(
        running.http->patch(path, running.adminToken, { { QStringLiteral("is_superuser"), true } })
            .status,
        200);
}

void TestSandboxServer::inactiveUserCannotLogIn()
{
    Running running = start();
    createUser(running, QStringLiteral("first"));
    const QString id = createUser(running, QStringLiteral("erin"), QStringLiteral("pw"));
    const QString token = running.http->token(QStringLiteral("erin"), QStringLiteral("pw"));
    QVERIFY(!token.isEmpty());
    QCOMPARE(running.http
                 ->patch(u"/users/"_qs + id, running.adminToken,
                     { { QStringLiteral("is_active"), false } })
                 .status,
        200);
    verifyDetail(running.http->login(QStringLiteral("erin"), QStringLiteral("pw")), 403);
    verifyDetail(running.http->get(QStringLiteral("/users/me"), token), 401);
    // A wrong password still reads as bad credentials, not as "inactive".
    verifyDetail(running.http->login(QStringLiteral("erin"), QStringLiteral("wrong")), 401);
}

void TestSandboxServer::adminIsProtected()
{
    Running running = start();
    createUser(running, QStringLiteral("boss"), QStringLiteral("pw"));
    const QString boss = running.http->token(QStringLiteral("boss"), QStringLiteral("pw"));
    const QString admin = u"/users/"_qs + running.server->adminId();

    verifyDetail(running.http->remove(admin, boss), 403);
    verifyDetail(running.http->remove(admin, running.adminToken), 403);
    verifyDetail(
        running.http->patch(admin, boss, { { QStringLiteral("is_superuser"), false } }), 403);
    verifyDetail(running.http->patch(admin, boss, { { QStringLiteral("is_active"), false } }), 403);
    QCOMPARE(running.http->get(admin, boss).object().value(QStringLiteral("is_superuser")).toBool(),
        true);

    SandboxOptions options = fastOptions();
    options.patchName = PatchName::Username;
    Running renaming = start(options);
    verifyDetail(renaming.http->patch(QStringLiteral("/users/me"), renaming.adminToken,
                     { { QStringLiteral("name"), QStringLiteral("root") } }),
        403);
    QCOMPARE(renaming.http->get(QStringLiteral("/users/me"), renaming.adminToken)
                 .object()
                 .value(QStringLiteral("username"))
                 .toString(),
        QStringLiteral("admin"));
}

void TestSandboxServer::patchNameChangesUsername()
{
    SandboxOptions options = fastOptions();
    options.patchName = PatchName::Username;
    Running running = start(options);
    const QString fenhl = createUser(running, QStringLiteral("Fenhl"), QStringLiteral("pw"));
    createUser(running, QStringLiteral("taken"));
    const QString path = u"/users/"_qs + fenhl;

    // A case-only rename is not a collision with itself.
    HttpResult result = running.http->patch(
        path, running.adminToken, { { QStringLiteral("name"), QStringLiteral("fenhl") } });
    QCOMPARE(result.status, 200);
    QCOMPARE(result.object().value(QStringLiteral("username")).toString(), QStringLiteral("fenhl"));
    QVERIFY(result.object().value(QStringLiteral("name")).isNull());
    QVERIFY(!running.http->token(QStringLiteral("fenhl"), QStringLiteral("pw")).isEmpty());

    verifyDetail(running.http->patch(path, running.adminToken,
                     { { QStringLiteral("name"), QStringLiteral("TAKEN") } }),
        409);
    verifyValidation(running.http->patch(path, running.adminToken,
                         { { QStringLiteral("name"), QStringLiteral(" john") } }),
        { QStringLiteral("body"), QStringLiteral("name") });
    verifyValidation(
        running.http->patch(path, running.adminToken, { { QStringLiteral("name"), QJsonValue() } }),
        { QStringLiteral("body"), QStringLiteral("name") });
}

void TestSandboxServer::deleteUser()
{
    Running running = start();
    createUser(running, QStringLiteral("first"));
    const QString id = createUser(running, QStringLiteral("gone"), QStringLiteral("pw"));
    const QString token = running.http->token(QStringLiteral("gone"), QStringLiteral("pw"));
    const QString path = u"/users/"_qs + id;

    const HttpResult result = running.http->remove(path, running.adminToken);
    QCOMPARE(result.status, 200);
    QCOMPARE(result.contentType, QByteArray("application/json"));
    QCOMPARE(result.object().value(QStringLiteral("id")).toString(), id);

    verifyDetail(running.http->get(path, running.adminToken), 404);
    verifyDetail(running.http->remove(path, running.adminToken), 404);
    verifyDetail(running.http->get(QStringLiteral("/users/me"), token), 401);
    verifyValidation(running.http->remove(QStringLiteral("/users/gone"), running.adminToken),
        { QStringLiteral("path"), QStringLiteral("user_id") });
    QCOMPARE(running.http->get(QStringLiteral("/users"), running.adminToken).array().size(), 2);
}

void TestSandboxServer::paging()
{
    SandboxOptions options = fastOptions();
    options.seedCount = 249; // 250 with the admin
    options.maxPageSize = 120;
    Running running = start(options);
    const QString token = running.adminToken;

    QCOMPARE(running.http->get(QStringLiteral("/users"), token).array().size(), 100);
    QCOMPARE(running.http->get(QStringLiteral("/users"), token, "limit=7").array().size(), 7);
    // A limit above the cap is served capped.
    QCOMPARE(running.http->get(QStringLiteral("/users"), token, "limit=5000").array().size(), 120);
    QCOMPARE(
        running.http->get(QStringLiteral("/users"), token, "offset=245&limit=100").array().size(),
        5);
    const HttpResult beyond = running.http->get(QStringLiteral("/users"), token, "offset=9999");
    QCOMPARE(beyond.status, 200);
    QCOMPARE(beyond.array().size(), 0);
    QCOMPARE(beyond.body, QByteArray("[]"));

    verifyValidation(running.http->get(QStringLiteral("/users"), token, "limit=0"),
        { QStringLiteral("query"), QStringLiteral("limit") });
    verifyValidation(running.http->get(QStringLiteral("/users"), token, "limit=ten"),
        { QStringLiteral("query"), QStringLiteral("limit") });
    verifyValidation(running.http->get(QStringLiteral("/users"), token, "offset=-1"),
        { QStringLiteral("query"), QStringLiteral("offset") });

    // Walking the pages gives everyone once, in a stable order that survives a delete.
    auto walk = [&](int limit) {
        QStringList ids;
        for (int offset = 0;; offset += limit) {
            const QJsonArray page
                = running.http
                      ->get(QStringLiteral("/users"), token,
                          QStringLiteral("offset=%1&limit=%2").arg(offset).arg(limit).toLatin1())
                      .array();
            for (const QJsonValue& user : page)
                ids.append(user.toObject().value(QStringLiteral("id")).toString());
            if (page.size() < limit)
                break;
        }
        return ids;
    };
    const QStringList all = walk(100);
    QCOMPARE(all.size(), 250);
    QCOMPARE(QSet<QString>(all.cbegin(), all.cend()).size(), 250);
    QCOMPARE(all.first(), running.server->adminId());
    QCOMPARE(walk(120), all);
    QCOMPARE(running.http->remove(u"/users/"_qs + all.at(10), token).status, 200);
    QStringList expected = all;
    expected.removeAt(10);
    QCOMPARE(walk(50), expected);
}

void TestSandboxServer::listEnvelope()
{
    SandboxOptions options = fastOptions();
    options.listShape = ListShape::Envelope;
    options.seedCount = 30;
    Running running = start(options);
    const HttpResult result
        = running.http->get(QStringLiteral("/users"), running.adminToken, "offset=25&limit=10");
    QCOMPARE(result.status, 200);
    const QJsonObject page = result.object();
    QCOMPARE(page.value(QStringLiteral("items")).toArray().size(), 6);
    QCOMPARE(page.value(QStringLiteral("total")).toInt(), 31);
    QCOMPARE(page.value(QStringLiteral("offset")).toInt(), 25);
    QCOMPARE(page.value(QStringLiteral("limit")).toInt(), 10);
    // Written as QJsonDocument writes the same object: compact, keys in sorted order.
    QCOMPARE(result.body, QJsonDocument(page).toJson(QJsonDocument::Compact));
    const HttpResult empty
        = running.http->get(QStringLiteral("/users"), running.adminToken, "offset=40");
    QCOMPARE(empty.body, QByteArray(R"({"items":[],"limit":100,"offset":40,"total":31})"));
}

void TestSandboxServer::adminInList_data()
{
    QTest::addColumn<bool>("adminInList");
    QTest::newRow("yes") << true;
    QTest::newRow("no") << false;
}

void TestSandboxServer::adminInList()
{
    QFETCH(bool, adminInList);
    SandboxOptions options = fastOptions();
    options.adminInList = adminInList;
    options.seedCount = 3;
    Running running = start(options);
    const QJsonArray users
        = running.http->get(QStringLiteral("/users"), running.adminToken).array();
    QCOMPARE(users.size(), adminInList ? 4 : 3);
    const QJsonObject first = users.first().toObject();
    QCOMPARE(
        first.value(QStringLiteral("id")).toString() == running.server->adminId(), adminInList);
    if (adminInList)
        QCOMPARE(first.value(QStringLiteral("is_superuser")).toBool(), true);
    // The admin is reachable by id either way.
    QCOMPARE(
        running.http->get(u"/users/"_qs + running.server->adminId(), running.adminToken).status,
        200);
}

void TestSandboxServer::emailFilter()
{
    SandboxOptions options = fastOptions();
    options.seedCount = 40;
    Running running = start(options);
    const QJsonArray users
        = running.http->get(QStringLiteral("/users"), running.adminToken).array();
    QString email;
    QString id;
    for (const QJsonValue& value : users) {
        if (value.toObject().value(QStringLiteral("email")).isString()) {
            email = value.toObject().value(QStringLiteral("email")).toString();
            id = value.toObject().value(QStringLiteral("id")).toString();
        }
    }
    QVERIFY(!email.isEmpty());
    const HttpResult found = running.http->get(QStringLiteral("/users"), running.adminToken,
        formEncode({ { QStringLiteral("email"), email.toUpper() } }));
    QCOMPARE(found.array().size(), 1);
    QCOMPARE(found.array().first().toObject().value(QStringLiteral("id")).toString(), id);
    QCOMPARE(
        running.http
            ->get(QStringLiteral("/users"), running.adminToken, "email=nobody%40example.invalid")
            .array()
            .size(),
        0);
}

void TestSandboxServer::expiredPasswordLogin()
{
    // ok (the default): the login works and /users/me shows the flag.
    Running allowed = start();
    createUser(allowed, QStringLiteral("first"));
    createUser(allowed, QStringLiteral("frank"), QStringLiteral("old"));
    const QString token = allowed.http->token(QStringLiteral("frank"), QStringLiteral("old"));
    QVERIFY(!token.isEmpty());
    QCOMPARE(allowed.http->get(QStringLiteral("/users/me"), token)
                 .object()
                 .value(QStringLiteral("password_expired"))
                 .toBool(),
        true);

    // forbidden: 403 naming the expired password, unless the form carries new_password.
    SandboxOptions options = fastOptions();
    options.expiredPasswordLogin = ExpiredPasswordLogin::Forbidden;
    Running forbidden = start(options);
    createUser(forbidden, QStringLiteral("first"));
    createUser(forbidden, QStringLiteral("frank"), QStringLiteral("old"));
    const HttpResult refused
        = forbidden.http->login(QStringLiteral("frank"), QStringLiteral("old"));
    verifyDetail(refused, 403);
    QVERIFY2(refused.detail().contains(u"expired", Qt::CaseInsensitive), refused.body);
    // Wrong passwords stay 401: the 403 tells nothing to someone without the password.
    verifyDetail(forbidden.http->login(QStringLiteral("frank"), QStringLiteral("bad")), 401);
    verifyValidation(forbidden.http->login(QStringLiteral("frank"), QStringLiteral("old"),
                         { { QStringLiteral("new_password"), QStringLiteral("old") } }),
        { QStringLiteral("body"), QStringLiteral("new_password") });

    const HttpResult renewed = forbidden.http->login(QStringLiteral("frank"), QStringLiteral("old"),
        { { QStringLiteral("new_password"), QStringLiteral("new") } });
    QCOMPARE(renewed.status, 200);
    const QString renewedToken = renewed.object().value(QStringLiteral("access_token")).toString();
    QCOMPARE(forbidden.http->get(QStringLiteral("/users/me"), renewedToken)
                 .object()
                 .value(QStringLiteral("password_expired"))
                 .toBool(),
        false);
    QCOMPARE(forbidden.http->login(QStringLiteral("frank"), QStringLiteral("old")).status, 401);
    QCOMPARE(forbidden.http->login(QStringLiteral("frank"), QStringLiteral("new")).status, 200);
}

void TestSandboxServer::persistsAcrossRestart()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    SandboxOptions options = fastOptions();
    options.adminPassword.clear(); // generated, then kept in the database
    options.databasePath = directory.filePath(QStringLiteral("sandbox.sqlite"));

    QString adminId;
    QString adminPassword;
    QString userId;
    QString token;
    {
        Running first = start(options);
        QVERIFY(!first.adminToken.isEmpty());
        adminId = first.server->adminId();
        adminPassword = first.server->adminPassword();
        QCOMPARE(adminPassword.size(), 20);
        userId = createUser(first, QStringLiteral("kept"), QStringLiteral("pw"));
        token = first.adminToken;
    }
    {
        Running second = start(options);
        QCOMPARE(second.server->adminId(), adminId);
        QCOMPARE(second.server->adminPassword(), adminPassword);
        QVERIFY(!second.adminToken.isEmpty());
        QCOMPARE(second.http->get(u"/users/"_qs + userId, second.adminToken)
                     .object()
                     .value(QStringLiteral("username"))
                     .toString(),
            QStringLiteral("kept"));
        QVERIFY(!second.http->token(QStringLiteral("kept"), QStringLiteral("pw")).isEmpty());
        // Tokens are stored too: a restart does not log anyone out.
        QCOMPARE(second.http->get(QStringLiteral("/users/me"), token).status, 200);
    }
    {
        // A configured password replaces the kept one for the same admin account.
        options.adminPassword = QStringLiteral("configured");
        Running third = start(options);
        QCOMPARE(third.server->adminId(), adminId);
        QVERIFY(!third.adminToken.isEmpty());
        QCOMPARE(third.http->login(QStringLiteral("admin"), adminPassword).status, 401);
        // That change of the admin account (its "updated") is what the listing shows too.
        verifyListedAsServed(third, adminId);
        verifyListedAsServed(third, userId);
    }
}

void TestSandboxServer::seedingIsDeterministic()
{
    auto seededUsers = [](quint32 seed) {
        SandboxOptions options = fastOptions();
        options.seedCount = 300;
        options.seedRandom = seed;
        options.adminInList = false;
        options.maxPageSize = 1000;
        Running running = start(options);
        return running.http->get(QStringLiteral("/users"), running.adminToken, "limit=1000")
            .array();
    };
    const QJsonArray first = seededUsers(7);
    QCOMPARE(first.size(), 300);
    QCOMPARE(seededUsers(7), first);
    QVERIFY(seededUsers(8) != first);

    int local = 0;
    int sso = 0;
    int service = 0;
    QSet<QString> usernames;
    for (const QJsonValue& value : first) {
        const QJsonObject user = value.toObject();
        usernames.insert(user.value(QStringLiteral("username")).toString().toCaseFolded());
        if (user.value(QStringLiteral("is_service_account")).toBool())
            ++service;
        else if (user.value(QStringLiteral("oauth_provider")).isString())
            ++sso;
        else
            ++local;
    }
    QCOMPARE(usernames.size(), 300);
    QVERIFY(local > 150 && sso > 40 && service > 5);

    // Seeded local accounts share a known password.
    SandboxOptions options = fastOptions();
    options.seedCount = 10;
    Running running = start(options);
    const QJsonArray users
        = running.http->get(QStringLiteral("/users"), running.adminToken).array();
    for (const QJsonValue& value : users) {
        const QJsonObject user = value.toObject();
        if (user.value(QStringLiteral("oauth_provider")).isNull()
            && !user.value(QStringLiteral("is_service_account")).toBool()
            && user.value(QStringLiteral("is_active")).toBool()
            && user.value(QStringLiteral("id")).toString() != running.server->adminId()) {
            QCOMPARE(
                running.http
                    ->login(user.value(QStringLiteral("username")).toString(), seededPassword())
                    .status,
                200);
            return;
        }
    }
    QFAIL("no active seeded local account");
}

void TestSandboxServer::unknownRouteAndMethod()
{
    Running running = start();
    verifyDetail(running.http->get(QStringLiteral("/nothing"), running.adminToken), 404);
    verifyDetail(running.http->send("GET", QStringLiteral("/../../x"), running.adminToken), 404);
    const HttpResult wrongMethod
        = running.http->send("PUT", QStringLiteral("/users"), running.adminToken);
    verifyDetail(wrongMethod, 405);
    verifyDetail(running.http->get(QStringLiteral("/auth/login"), {}), 405);
}

void TestSandboxServer::faultReplacesAnswer()
{
    Running running = start();
    SandboxFault fault;
    fault.method = "GET";
    fault.path = QStringLiteral("/users");
    fault.status = 502;
    fault.contentType = "text/html";
    fault.body = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
    running.server->addFault(fault);

    // Other paths and methods are untouched; the matching request gets the page, once.
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 200);
    const HttpResult page = running.http->get(QStringLiteral("/users"), running.adminToken);
    QCOMPARE(page.status, 502);
    QCOMPARE(page.contentType, QByteArray("text/html"));
    QVERIFY(page.body.contains("nginx"));
    QCOMPARE(running.http->get(QStringLiteral("/users"), running.adminToken).status, 200);

    fault.times = -1;
    fault.path = QStringLiteral("/users/*");
    running.server->addFault(fault);
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 502);
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 502);
    running.server->clearFaults();
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 200);
}

void TestSandboxServer::faultSkipsThenApplies()
{
    // A 401 on the third request of a session, whatever it is.
    Running running = start();
    SandboxFault fault;
    fault.skip = 2;
    fault.status = 401;
    fault.body = R"({"detail":"Token expired"})";
    fault.headers = { { "WWW-Authenticate", "Bearer" } };
    running.server->addFault(fault);
    QCOMPARE(running.http->get(QStringLiteral("/users"), running.adminToken).status, 200);
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 200);
    const HttpResult third = running.http->get(QStringLiteral("/users"), running.adminToken);
    verifyDetail(third, 401);
    QCOMPARE(running.http->get(QStringLiteral("/users"), running.adminToken).status, 200);
}

void TestSandboxServer::faultDelaysAnswer()
{
    Running running = start();
    SandboxFault fault;
    fault.method = "POST";
    fault.path = QStringLiteral("/users");
    fault.delayMs = 300;
    fault.times = 2;
    running.server->addFault(fault);

    // The normal answer, late.
    QElapsedTimer timer;
    timer.start();
    const HttpResult created = running.http->createUser(
        running.adminToken, QStringLiteral("slow"), QStringLiteral("pw"));
    QVERIFY(timer.elapsed() >= 300);
    QCOMPARE(created.status, 200);

    // A client that gives up before the answer leaves a server that still serves.
    QNetworkAccessManager network;
    QUrl url = running.server->apiRoot();
    url.setPath(url.path() + QStringLiteral("/users"));
    url.setQuery(QStringLiteral("username=abandoned&password=pw"));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + running.adminToken.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
    std::unique_ptr<QNetworkReply> reply(network.post(request, QByteArray()));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QTimer::singleShot(50, reply.get(), &QNetworkReply::abort);
    QVERIFY(finished.wait(5000));
    QCOMPARE(reply->error(), QNetworkReply::OperationCanceledError);
    reply.reset();
    QTest::qWait(400); // let the delayed answer fire into the closed connection
    QCOMPARE(running.http->get(QStringLiteral("/users/me"), running.adminToken).status, 200);
}

// 100,000 seeded users are all served, page by page to the last one. How fast is the
// benchmark's business (tests/bench, BENCHMARKS.md): the times are printed here, not judged,
// because a shared or sanitized machine would make such a bound flaky.
void TestSandboxServer::largeListPagesAreComplete()
{
    SandboxOptions options = fastOptions();
    options.seedCount = 100000;
    QElapsedTimer timer;
    timer.start();
    Running running = start(options);
    qInfo("seeding 100,000 users took %lld ms", timer.elapsed());

    const struct
    {
        QByteArray query;
        qsizetype expected;
    } pages[] = { { "offset=0&limit=1000", 1000 }, { "offset=98999&limit=1000", 1000 },
        { "offset=100000&limit=1000", 1 }, { "offset=100001&limit=1000", 0 } };
    for (const auto& page : pages) {
        timer.restart();
        const HttpResult answer
            = running.http->get(QStringLiteral("/users"), running.adminToken, page.query);
        qInfo("GET /users?%s took %lld ms", page.query.constData(), timer.elapsed());
        QCOMPARE(answer.array().size(), page.expected);
    }
}

// Every seeded user is listed exactly as GET /users/{id} serves it: the page is those answers
// joined into one array.
void TestSandboxServer::listedUsersAreTheirOwnAnswers()
{
    SandboxOptions options = fastOptions();
    options.seedCount = 1000;
    Running running = start(options);
    for (const QByteArray& query :
        { QByteArray("offset=0&limit=1000"), QByteArray("offset=1000&limit=1000") }) {
        const HttpResult page
            = running.http->get(QStringLiteral("/users"), running.adminToken, query);
        QCOMPARE(page.status, 200);
        QByteArrayList answers;
        const QJsonArray users = page.array();
        for (const QJsonValue& user : users) {
            const HttpResult single = running.http->get(
                u"/users/"_qs + user.toObject().value(QStringLiteral("id")).toString(),
                running.adminToken);
            QCOMPARE(single.status, 200);
            answers.append(single.body);
        }
        QCOMPARE(answers.size(), query.startsWith("offset=0") ? 1000 : 1);
        QCOMPARE(page.body, '[' + answers.join(',') + ']');
    }
}

void TestSandboxServer::listingFollowsEveryChange_data()
{
    QTest::addColumn<QString>("write");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    QTest::newRow("display name") << u"name"_qs << u"name"_qs << QJsonValue(u"Renamed"_qs);
    QTest::newRow("display name cleared")
        << u"name cleared"_qs << u"name"_qs << QJsonValue(QJsonValue::Null);
    QTest::newRow("username") << u"username"_qs << u"username"_qs << QJsonValue(u"renamed"_qs);
    QTest::newRow("super-user granted") << u"grant"_qs << u"is_superuser"_qs << QJsonValue(true);
    QTest::newRow("super-user revoked") << u"revoke"_qs << u"is_superuser"_qs << QJsonValue(false);
    QTest::newRow("deactivated") << u"deactivate"_qs << u"is_active"_qs << QJsonValue(false);
    QTest::newRow("own new password")
        << u"own password"_qs << u"password_expired"_qs << QJsonValue(false);
    QTest::newRow("password reset") << u"reset"_qs << u"password_expired"_qs << QJsonValue(true);
    QTest::newRow("new password at login")
        << u"login renewal"_qs << u"password_expired"_qs << QJsonValue(false);
    QTest::newRow("deleted") << u"delete"_qs << QString() << QJsonValue();
}

// After each kind of write through the API, the listing shows the user as GET does.
void TestSandboxServer::listingFollowsEveryChange()
{
    QFETCH(QString, write);
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    SandboxOptions options = fastOptions();
    options.seedCount = 20;
    if (write == u"username")
        options.patchName = PatchName::Username;
    if (write == u"login renewal")
        options.expiredPasswordLogin = ExpiredPasswordLogin::Forbidden;
    Running running = start(options);
    const QString id = createUser(running, QStringLiteral("subject"), QStringLiteral("pw1"));
    createUser(running, QStringLiteral("later"));
    const QString path = u"/users/"_qs + id;
    verifyListedAsServed(running, id);

    // Qt Test waits no longer once the test failed: later steps would only add noise.
    const auto patch = [&](const QString& token, const QString& target, const QJsonObject& body) {
        if (QTest::currentTestFailed())
            return;
        const HttpResult result = running.http->patch(target, token, body);
        QVERIFY2(result.status == 200, result.body);
        verifyListedAsServed(running, id);
    };
    const auto ownPassword = [&] {
        const QString token = running.http->token(QStringLiteral("subject"), QStringLiteral("pw1"));
        patch(token, QStringLiteral("/users/me"), { { u"password"_qs, u"pw2"_qs } });
    };
    if (write == u"name" || write == u"username") {
        patch(running.adminToken, path, { { u"name"_qs, value } });
    } else if (write == u"name cleared") {
        patch(running.adminToken, path, { { u"name"_qs, u"Some Name"_qs } });
        patch(running.adminToken, path, { { u"name"_qs, QJsonValue() } });
    } else if (write == u"grant") {
        patch(running.adminToken, path, { { u"is_superuser"_qs, true } });
    } else if (write == u"revoke") {
        patch(running.adminToken, path, { { u"is_superuser"_qs, true } });
        patch(running.adminToken, path, { { u"is_superuser"_qs, false } });
    } else if (write == u"deactivate") {
        patch(running.adminToken, path, { { u"is_active"_qs, false } });
    } else if (write == u"own password") {
        ownPassword();
    } else if (write == u"reset") {
        ownPassword();
        patch(running.adminToken, path, { { u"password"_qs, u"temporary"_qs } });
    } else if (write == u"login renewal") {
        const HttpResult renewed = running.http->login(QStringLiteral("subject"),
            QStringLiteral("pw1"), { { QStringLiteral("new_password"), QStringLiteral("pw2") } });
        QCOMPARE(renewed.status, 200);
    } else if (write == u"delete") {
        QCOMPARE(running.http->remove(path, running.adminToken).status, 200);
    } else {
        QFAIL("unknown write");
    }
    if (QTest::currentTestFailed())
        return;

    verifyListedAsServed(running, id);
    const HttpResult single = running.http->get(path, running.adminToken);
    if (field.isEmpty()) {
        QCOMPARE(single.status, 404);
        return;
    }
    QCOMPARE(single.object().value(field), value);
}

QTEST_GUILESS_MAIN(TestSandboxServer)
#include "tst_sandbox_server.moc"
