#include "controlplane/WireDecoding.h"

#include <QTest>

using namespace zenml::controlplane;
using nlohmann::json;
using Kind = ApiError::Kind;

Q_DECLARE_METATYPE(ApiError::Kind)

namespace {

json parse(const char* text)
{
    json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    Q_ASSERT(!document.is_discarded());
    return document;
}

ReplySnapshot reply(int status, const QByteArray& contentType, const QByteArray& body)
{
    ReplySnapshot snapshot;
    snapshot.httpStatus = status;
    snapshot.contentType = contentType;
    snapshot.body = body;
    snapshot.server = QStringLiteral("cp.example:443");
    return snapshot;
}

const QByteArray kNginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                             "<center><h1>502 Bad Gateway</h1></center>\r\n"
                             "<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

} // namespace

class TestWireDecoding final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void userWithNullsAndUnknownFields();
    void userFields();
    void ids_data();
    void ids();
    void wrongTypesBecomeDefaults_data();
    void wrongTypesBecomeDefaults();
    void userAnswerNeedsAnId();
    void pageShapes_data();
    void pageShapes();
    void pageSkipsUnreadableEntries();
    void pageReaderMatchesDocument_data();
    void pageReaderMatchesDocument();
    void pageErrorsSayWhere();
    void detailShapes_data();
    void detailShapes();
    void statusKinds_data();
    void statusKinds();
    void htmlBadGateway();
    void htmlClaimingToBeJson();
    void answerBodies_data();
    void answerBodies();
    void networkErrors_data();
    void networkErrors();
    void rateLimitHonoursRetryAfter();
    void loginAnswer();
    void loginAnswerWithoutToken();
    void formEncodingKeepsEveryCharacter_data();
    void formEncodingKeepsEveryCharacter();
    void endpointUrls();
    void excerptIsShortAndPlain();
    void secretsAreScrubbed();
};

void TestWireDecoding::userWithNullsAndUnknownFields()
{
    // CASES.md case 10: email null, unknown fields, no name at all.
    const auto user = decodeUserAnswer(parse(R"({
        "id": "6f1c1c5e-0d0b-4bb0-9b1c-2f7a0e2d9a11", "username": "alice", "email": null,
        "password": null, "favourite_colour": "teal", "metadata": {"a": [1, 2, {"b": null}]},
        "is_active": true, "is_superuser": false, "organization_id": null
    })"),
        nullptr);
    QVERIFY(user);
    QCOMPARE(user->id, QStringLiteral("6f1c1c5e-0d0b-4bb0-9b1c-2f7a0e2d9a11"));
    QCOMPARE(user->username, QStringLiteral("alice"));
    QVERIFY(user->name.isEmpty());
    QVERIFY(user->email.isEmpty());
    QVERIFY(user->isActive);
    QVERIFY(!user->isSuperuser);
    QVERIFY(!user->passwordExpired);
}

void TestWireDecoding::userFields()
{
    const auto user = decodeUser(parse(R"({
        "id": "u1", "username": "sso@corp.example", "name": "Ünïcødé Name",
        "email": "sso@corp.example", "is_active": false, "is_superuser": true,
        "is_service_account": true, "password_expired": true,
        "oauth_provider": "google", "oauth_id": 1234567890123
    })"));
    QCOMPARE(user.name, QStringLiteral("Ünïcødé Name"));
    QCOMPARE(user.email, QStringLiteral("sso@corp.example"));
    QVERIFY(!user.isActive);
    QVERIFY(user.isSuperuser);
    QVERIFY(user.isServiceAccount);
    QVERIFY(user.passwordExpired);
    QCOMPARE(user.oauthProvider, QStringLiteral("google"));
    QCOMPARE(user.oauthId, QStringLiteral("1234567890123"));
    QVERIFY(user.isSso());
}

void TestWireDecoding::ids_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("id");

    QTest::newRow("uuid string") << QByteArray(R"({"id": "0b7e-ab"})") << "0b7e-ab";
    QTest::newRow("digits string")
        << QByteArray(R"({"id": "12345678901234567890123"})") << "12345678901234567890123";
    QTest::newRow("integer beyond double")
        << QByteArray(R"({"id": 9007199254740993})") << "9007199254740993";
    QTest::newRow("unsigned 64-bit")
        << QByteArray(R"({"id": 18446744073709551615})") << "18446744073709551615";
    QTest::newRow("negative") << QByteArray(R"({"id": -42})") << "-42";
    QTest::newRow("float refused") << QByteArray(R"({"id": 1.5})") << "";
    QTest::newRow("too big for an integer")
        << QByteArray(R"({"id": 123456789012345678901234})") << "";
    QTest::newRow("object") << QByteArray(R"({"id": {"x": 1}})") << "";
    QTest::newRow("null") << QByteArray(R"({"id": null})") << "";
    QTest::newRow("missing") << QByteArray(R"({"username": "x"})") << "";
}

void TestWireDecoding::ids()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, id);
    QCOMPARE(decodeUser(parse(document.constData())).id, id);
}

void TestWireDecoding::wrongTypesBecomeDefaults_data()
{
    QTest::addColumn<QByteArray>("document");

    QTest::newRow("strings for bools") << QByteArray(
        R"({"id":"x","is_active":"no","is_superuser":"yes","password_expired":"true"})");
    QTest::newRow("numbers for bools")
        << QByteArray(R"({"id":"x","is_active":0,"is_superuser":1,"is_service_account":1})");
    QTest::newRow("nulls") << QByteArray(
        R"({"id":"x","username":null,"name":null,"is_active":null,"is_superuser":null})");
    QTest::newRow("containers for text") << QByteArray(
        R"({"id":"x","username":["a"],"name":{"first":"a"},"email":7,"oauth_provider":true})");
}

void TestWireDecoding::wrongTypesBecomeDefaults()
{
    QFETCH(QByteArray, document);
    const auto user = decodeUser(parse(document.constData()));
    QCOMPARE(user.id, QStringLiteral("x"));
    QVERIFY(user.username.isEmpty());
    QVERIFY(user.name.isEmpty());
    QVERIFY(user.email.isEmpty());
    QVERIFY(user.oauthProvider.isEmpty());
    QVERIFY(user.isActive);
    QVERIFY(!user.isSuperuser);
    QVERIFY(!user.isServiceAccount);
    QVERIFY(!user.passwordExpired);
}

void TestWireDecoding::userAnswerNeedsAnId()
{
    QString problem;
    QVERIFY(!decodeUserAnswer(parse(R"({"username": "x"})"), &problem));
    QVERIFY(problem.contains(QStringLiteral("id")));
    QVERIFY(!decodeUserAnswer(parse(R"([{"id": "x"}])"), &problem));
    QVERIFY(!decodeUserAnswer(parse("null"), &problem));
}

void TestWireDecoding::pageShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("users");
    QTest::addColumn<qint64>("total"); // -1: none

    QTest::newRow("bare array") << QByteArray(R"([{"id":"a"},{"id":"b"}])") << true << 2
                                << qint64(-1);
    QTest::newRow("empty array") << QByteArray("[]") << true << 0 << qint64(-1);
    QTest::newRow("envelope with total")
        << QByteArray(R"({"items":[{"id":"a"}],"total":1050,"offset":0,"limit":1})") << true << 1
        << qint64(1050);
    QTest::newRow("envelope without total")
        << QByteArray(R"({"items":[]})") << true << 0 << qint64(-1);
    QTest::newRow("envelope with odd total")
        << QByteArray(R"({"items":[{"id":"a"}],"total":"many"})") << true << 1 << qint64(-1);
    QTest::newRow("envelope with negative total")
        << QByteArray(R"({"items":[{"id":"a"}],"total":-3})") << true << 1 << qint64(-1);
    QTest::newRow("object without items")
        << QByteArray(R"({"users":[]})") << false << 0 << qint64(-1);
    QTest::newRow("items not a list")
        << QByteArray(R"({"items":{"id":"a"}})") << false << 0 << qint64(-1);
    QTest::newRow("a number") << QByteArray("42") << false << 0 << qint64(-1);
    QTest::newRow("truncated") << QByteArray(R"([{"id":"a"},{"id":)") << false << 0 << qint64(-1);
    QTest::newRow("empty body") << QByteArray() << false << 0 << qint64(-1);
    QTest::newRow("html") << kNginx502 << false << 0 << qint64(-1);
}

void TestWireDecoding::pageShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);
    QFETCH(int, users);
    QFETCH(qint64, total);

    QString problem;
    const auto page = decodeUserPage(body, &problem);
    QCOMPARE(bool(page), ok);
    if (!ok) {
        QVERIFY(!problem.isEmpty());
        return;
    }
    QCOMPARE(page->users.size(), users);
    QCOMPARE(page->total.value_or(-1), total);
}

void TestWireDecoding::pageSkipsUnreadableEntries()
{
    const auto page = decodeUserPage(
        QByteArray(R"([{"id":"a"}, 17, null, {"username":"no id"}, {"id":"b","email":null}])"),
        nullptr);
    QVERIFY(page);
    QCOMPARE(page->itemCount, 5); // paging counts what the server sent
    QCOMPARE(page->users.size(), 2);
    QCOMPARE(page->users.at(1).id, QStringLiteral("b"));
}

void TestWireDecoding::pageReaderMatchesDocument_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("users"); // -1: refused
    QTest::addColumn<QString>("firstName");

    QTest::newRow("a key given twice counts by its last value")
        << QByteArray(R"([{"id":"a","name":"first","name":"last"}])") << 1 << "last";
    QTest::newRow("a last value of the wrong type clears the field")
        << QByteArray(R"([{"id":"a","name":"first","name":5}])") << 1 << "";
    QTest::newRow("a container as a field's value")
        << QByteArray(R"([{"id":"a","name":{"id":"x","name":"inner"}}])") << 1 << "";
    QTest::newRow("an id given twice, the last a float")
        << QByteArray(R"([{"id":"a","id":1.5,"name":"n"}])") << 0 << "";
    QTest::newRow("integer ids digit for digit")
        << QByteArray(R"([{"id":-12,"name":"neg"},{"id":18446744073709551615}])") << 2 << "neg";
    QTest::newRow("a later items replaces the earlier")
        << QByteArray(R"({"items":[{"id":"a","name":"old"}],"items":[{"id":"b","name":"new"}]})")
        << 1 << "new";
    QTest::newRow("a later items that is no list")
        << QByteArray(R"({"items":[{"id":"a"}],"items":{"id":"b"}})") << -1 << "";
    QTest::newRow("items nested deeper are not the list")
        << QByteArray(R"({"links":{"items":[{"id":"x"}]},"items":[{"id":"a","name":"top"}]})") << 1
        << "top";
    QTest::newRow("users inside a user are not users")
        << QByteArray(R"([{"id":"a","name":"outer","metadata":[{"id":"b","name":"inner"}]}])") << 1
        << "outer";
    QTest::newRow("lists inside the list are entries")
        << QByteArray(R"([[{"id":"x"}],{"id":"a","name":"n"}])") << 1 << "n";
    QTest::newRow("a total given twice, the last negative")
        << QByteArray(R"({"total":5,"items":[],"total":-1})") << 0 << "";
    QTest::newRow("a scalar document") << QByteArray(R"("users")") << -1 << "";
    QTest::newRow("an object without items") << QByteArray(R"({"users":[]})") << -1 << "";
    QTest::newRow("trailing garbage") << QByteArray(R"([{"id":"a"}] x)") << -1 << "";
}

// The page reader (decodeUserPage of bytes, as the listing uses) reads as the document
// decoder does (decodeUserPage of a parsed document): the same users, entries and total.
void TestWireDecoding::pageReaderMatchesDocument()
{
    QFETCH(QByteArray, body);
    QFETCH(int, users);
    QFETCH(QString, firstName);

    const auto page = decodeUserPage(body, nullptr);
    const nlohmann::json document = nlohmann::json::parse(body.cbegin(), body.cend(), nullptr,
        /*allow_exceptions=*/false);
    const auto reference
        = document.is_discarded() ? std::nullopt : decodeUserPage(document, nullptr);
    QCOMPARE(bool(page), bool(reference));
    QCOMPARE(bool(page), users >= 0);
    if (!page)
        return;
    QCOMPARE(page->users, reference->users);
    QCOMPARE(page->itemCount, reference->itemCount);
    QCOMPARE(page->total, reference->total);
    QCOMPARE(page->users.size(), users);
    if (users > 0)
        QCOMPARE(page->users.first().name, firstName);
}

// A page cut off in transfer and a page whose JSON is broken in the middle (here a lone
// surrogate escape in one user's name) are different problems for the administrator.
void TestWireDecoding::pageErrorsSayWhere()
{
    QString problem;
    const QByteArray cutOff = R"([{"id":"a"},{"id":"b)";
    QVERIFY(!decodeUserPage(cutOff, &problem));
    QVERIFY2(problem.contains(QStringLiteral("cut off")), qPrintable(problem));

    const QByteArray broken = R"([{"id":"a","name":"x\ud800y"},{"id":"b"}])";
    QVERIFY(!decodeUserPage(broken, &problem));
    QVERIFY2(!problem.contains(QStringLiteral("cut off")), qPrintable(problem));
    // Where the name is, not at the end.
    QVERIFY2(problem.contains(QStringLiteral("at byte 27 of %1").arg(broken.size())),
        qPrintable(problem));
}

void TestWireDecoding::detailShapes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");

    QTest::newRow("string") << QByteArray(R"({"detail":"User not found"})") << "User not found";
    QTest::newRow("exception pair")
        << QByteArray(R"({"detail":["EntityExistsError","A user named alice exists."]})")
        << "A user named alice exists.";
    QTest::newRow("validation list")
        << QByteArray(R"({"detail":[{"loc":["query","username"],"msg":"field required",)"
                      R"("type":"value_error.missing"}]})")
        << "username: field required";
    QTest::newRow("validation list, several")
        << QByteArray(R"({"detail":[{"loc":["body","name"],"msg":"too long","type":"x"},)"
                      R"({"loc":["body","items",2,"id"],"msg":"not a uuid","type":"y"}]})")
        << "name: too long; items.2.id: not a uuid";
    QTest::newRow("validation without loc")
        << QByteArray(R"({"detail":[{"msg":"bad input","type":"x"}]})") << "bad input";
    QTest::newRow("object detail") << QByteArray(R"({"detail":{"message":"nope"}})") << "nope";
    QTest::newRow("message member") << QByteArray(R"({"message":"Slow down"})") << "Slow down";
    QTest::newRow("no detail") << QByteArray(R"({"error_code":5})") << "";
    QTest::newRow("detail null") << QByteArray(R"({"detail":null})") << "";
    QTest::newRow("multi-line") << QByteArray(R"({"detail":"line one\n\tline two"})")
                                << "line one line two";
}

void TestWireDecoding::detailShapes()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(detailMessage(parse(body.constData())), message);
}

void TestWireDecoding::statusKinds_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("message");

    const QByteArray detail = R"({"detail":"the detail"})";
    QTest::newRow("400") << 400 << Kind::Validation << "the detail";
    QTest::newRow("401") << 401 << Kind::Unauthorized << "the detail";
    QTest::newRow("403") << 403 << Kind::Forbidden << "the detail";
    QTest::newRow("404") << 404 << Kind::NotFound << "the detail";
    QTest::newRow("409") << 409 << Kind::Conflict << "the detail";
    QTest::newRow("422") << 422 << Kind::Validation << "the detail";
    QTest::newRow("429") << 429 << Kind::RateLimited << "the detail";
    QTest::newRow("500") << 500 << Kind::Server
                         << "The server answered 500 Internal Server Error: the detail";
    QTest::newRow("503") << 503 << Kind::Server
                         << "The server answered 503 Service Unavailable: the detail";
    QTest::newRow("418") << 418 << Kind::Server << "The server answered 418: the detail";
    QTest::newRow("302") << 302 << Kind::Server << "The server answered 302 Found: the detail";
}

void TestWireDecoding::statusKinds()
{
    QFETCH(int, status);
    QFETCH(Kind, kind);
    QFETCH(QString, message);

    const ApiError error
        = errorFromReply(reply(status, "application/json", R"({"detail":"the detail"})"));
    QCOMPARE(error.kind, kind);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.message, message);

    // Without a body the status alone speaks.
    const ApiError bare = errorFromReply(reply(status, "application/json", {}));
    QCOMPARE(bare.kind, kind);
    QVERIFY2(bare.message.contains(QString::number(status)), qPrintable(bare.message));
}

void TestWireDecoding::htmlBadGateway()
{
    // CASES.md case 9: a reverse proxy's page is reported, never parsed as data.
    const ApiError error = errorFromReply(reply(502, "text/html", kNginx502));
    QCOMPARE(error.kind, Kind::Server);
    QCOMPARE(error.httpStatus, 502);
    QCOMPARE(error.message,
        QStringLiteral("The server answered 502 Bad Gateway: 502 Bad Gateway nginx/1.22.1"));
}

void TestWireDecoding::htmlClaimingToBeJson()
{
    const ApiError error = errorFromReply(reply(504, "application/json", kNginx502));
    QCOMPARE(error.kind, Kind::Server);
    QVERIFY(error.message.startsWith(QStringLiteral("The server answered 504 Gateway Timeout: ")));
    QVERIFY(!error.message.contains(QLatin1Char('<')));

    const ApiError unauthorized = errorFromReply(reply(401, "text/html; charset=utf-8", kNginx502));
    QCOMPARE(unauthorized.kind, Kind::Unauthorized);
    QVERIFY(unauthorized.message.contains(QStringLiteral("401 Unauthorized")));
}

void TestWireDecoding::answerBodies_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("ok");

    QTest::newRow("json") << QByteArray("application/json") << QByteArray("[]") << true;
    QTest::newRow("json with charset")
        << QByteArray("Application/JSON; charset=utf-8") << QByteArray("{}") << true;
    QTest::newRow("problem+json") << QByteArray("application/problem+json") << QByteArray("{}")
                                  << true;
    QTest::newRow("html on 200") << QByteArray("text/html") << kNginx502 << false;
    QTest::newRow("json text as text/plain")
        << QByteArray("text/plain") << QByteArray("[]") << false;
    QTest::newRow("no content type") << QByteArray() << QByteArray("[]") << false;
    QTest::newRow("truncated") << QByteArray("application/json")
                               << QByteArray(R"([{"id":"a","username":"al)") << false;
    QTest::newRow("empty") << QByteArray("application/json") << QByteArray() << false;
    // Invalid UTF-8 is read with replacement characters: one bad byte does not lose a page.
    QTest::newRow("invalid utf-8")
        << QByteArray("application/json") << QByteArray("[\"\xff\xfe\"]") << true;
    QTest::newRow("deep nesting") << QByteArray("application/json") << QByteArray(100000, '[')
                                  << false;
}

void TestWireDecoding::answerBodies()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(bool, ok);

    const ReplySnapshot snapshot = reply(200, contentType, body);
    QVERIFY(!errorFromReply(snapshot));
    ApiError error;
    const auto document = parseJsonAnswer(snapshot, &error);
    QCOMPARE(bool(document), ok);
    QCOMPARE(error.kind, ok ? Kind::None : Kind::Malformed);
    if (!ok) {
        QCOMPARE(error.httpStatus, 200);
        QVERIFY(!error.message.contains(QLatin1Char('<')));
    }
}

void TestWireDecoding::networkErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QNetworkReply::NetworkError>("networkError");
    QTest::addColumn<bool>("timedOut");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("fragment");

    QTest::newRow("refused") << 0 << QNetworkReply::ConnectionRefusedError << false << Kind::Network
                             << "refused";
    QTest::newRow("unknown host") << 0 << QNetworkReply::HostNotFoundError << false << Kind::Network
                                  << "not found";
    QTest::newRow("tls") << 0 << QNetworkReply::SslHandshakeFailedError << false << Kind::Tls
                         << "secure connection";
    QTest::newRow("cancelled") << 0 << QNetworkReply::OperationCanceledError << false
                               << Kind::Cancelled << "cancelled";
    QTest::newRow("our timeout") << 0 << QNetworkReply::OperationCanceledError << true
                                 << Kind::Network << "timed out";
    QTest::newRow("dropped after 200") << 200 << QNetworkReply::RemoteHostClosedError << false
                                       << Kind::Network << "closed the connection";
    QTest::newRow("other") << 0 << QNetworkReply::ProtocolFailure << false << Kind::Network
                           << "Could not reach cp.example:443";
}

void TestWireDecoding::networkErrors()
{
    QFETCH(int, status);
    QFETCH(QNetworkReply::NetworkError, networkError);
    QFETCH(bool, timedOut);
    QFETCH(Kind, kind);
    QFETCH(QString, fragment);

    ReplySnapshot snapshot = reply(status, {}, {});
    snapshot.networkError = networkError;
    snapshot.networkErrorText = QStringLiteral("Error transferring https://cp.example/api/v1/"
                                               "users?username=x&password=hunter2 - failed");
    snapshot.timedOut = timedOut;
    snapshot.timeoutSeconds = 30;
    const ApiError error = errorFromReply(snapshot);
    QCOMPARE(error.kind, kind);
    QVERIFY2(error.message.contains(fragment), qPrintable(error.message));
    QVERIFY2(!error.message.contains(QStringLiteral("hunter2")), qPrintable(error.message));
}

void TestWireDecoding::rateLimitHonoursRetryAfter()
{
    ReplySnapshot snapshot = reply(429, "application/json", R"({"detail":"Too many logins"})");
    snapshot.retryAfter = "7";
    const ApiError error = errorFromReply(snapshot);
    QCOMPARE(error.kind, Kind::RateLimited);
    QCOMPARE(error.retryAfterSeconds, 7);
    QVERIFY(error.message.startsWith(QStringLiteral("Too many logins")));
    QVERIFY(error.message.contains(QStringLiteral("7 second")));
}

void TestWireDecoding::loginAnswer()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString problem;
    const auto result = decodeLoginAnswer(
        parse(R"({"access_token":"eyJ.abc.def","token_type":"bearer","expires_in":3600,
                  "refresh_token":null,"device_id":null,"extra":[1]})"),
        now, &problem);
    QVERIFY2(result, qPrintable(problem));
    QCOMPARE(result->accessToken, QStringLiteral("eyJ.abc.def"));
    QCOMPARE(result->tokenType, QStringLiteral("bearer"));
    QCOMPARE(result->expiresInSeconds, 3600);
    QCOMPARE(result->expiresAt, now.addSecs(3600));

    const auto noExpiry
        = decodeLoginAnswer(parse(R"({"access_token":"t","expires_in":null})"), now, nullptr);
    QVERIFY(noExpiry);
    QCOMPARE(noExpiry->expiresInSeconds, 0);
    QVERIFY(!noExpiry->expiresAt.isValid());

    const auto textExpiry
        = decodeLoginAnswer(parse(R"({"access_token":"t","expires_in":"60"})"), now, nullptr);
    QVERIFY(textExpiry);
    QCOMPARE(textExpiry->expiresInSeconds, 60);
}

void TestWireDecoding::loginAnswerWithoutToken()
{
    QString problem;
    QVERIFY(!decodeLoginAnswer(parse(R"({"token_type":"bearer"})"), {}, &problem));
    QVERIFY(!problem.isEmpty());
    QVERIFY(!decodeLoginAnswer(parse(R"({"access_token":""})"), {}, nullptr));
    QVERIFY(!decodeLoginAnswer(parse(R"({"access_token":12})"), {}, nullptr));
    QVERIFY(!decodeLoginAnswer(parse(R"(["access_token"])"), {}, nullptr));
}

void TestWireDecoding::formEncodingKeepsEveryCharacter_data()
{
    QTest::addColumn<QString>("value");

    QTest::newRow("plus") << "a+b";
    QTest::newRow("ampersand and equals") << "a&b=c";
    QTest::newRow("percent") << "100%25%";
    QTest::newRow("spaces") << " lead and trail ";
    QTest::newRow("unicode") << "pässwörd✓😀";
    QTest::newRow("reserved") << "!#$'()*,/:;?@[]\"<>\\^`{|}~";
}

void TestWireDecoding::formEncodingKeepsEveryCharacter()
{
    QFETCH(QString, value);

    const QByteArray form = encodeForm({ { QStringLiteral("username"), QStringLiteral("u") },
        { QStringLiteral("password"), value } });
    QVERIFY(form.startsWith("username=u&password="));
    const QByteArray encoded = form.mid(form.indexOf("password=") + 9);
    for (const char c : encoded)
        QVERIFY2(QByteArray("+& =").indexOf(c) < 0, encoded.constData());
    QCOMPARE(QString::fromUtf8(QByteArray::fromPercentEncoding(encoded)), value);

    // The same bytes survive being put into a URL query.
    const QUrl url = endpointUrl(QUrl(QStringLiteral("http://127.0.0.1:1/api/v1")), "/users", form);
    QVERIFY(url.toEncoded().endsWith(form));
}

void TestWireDecoding::endpointUrls()
{
    const QUrl root(QStringLiteral("https://cp.example:8443/zenml/api/v1"));
    QCOMPARE(
        endpointUrl(root, "/users/" + encodePathSegment(QStringLiteral("a/b c?d#e"))).toEncoded(),
        QByteArray("https://cp.example:8443/zenml/api/v1/users/a%2Fb%20c%3Fd%23e"));
    QCOMPARE(endpointUrl(root, "/users", "offset=0&limit=1000").toEncoded(),
        QByteArray("https://cp.example:8443/zenml/api/v1/users?offset=0&limit=1000"));
    QCOMPARE(endpointUrl(QUrl(QStringLiteral("https://h/api/v1/")), "/users/me").toEncoded(),
        QByteArray("https://h/api/v1/users/me"));
}

void TestWireDecoding::excerptIsShortAndPlain()
{
    QCOMPARE(textExcerpt("  plain\r\n\ttext  "), QStringLiteral("plain text"));
    const QString longText = textExcerpt(QByteArray(1000, 'x'));
    QCOMPARE(longText.size(), 120);
    QVERIFY(longText.endsWith(QChar(0x2026)));
    QCOMPARE(textExcerpt("<p>Fish &amp; chips &#8364;5 &lt;now&gt;</p><script>alert(1)</script>"),
        QStringLiteral("Fish & chips €5 <now>"));
    QCOMPARE(textExcerpt("<!-- hidden --><b>bold"), QStringLiteral("bold"));
    QCOMPARE(textExcerpt("<unterminated"), QString());
}

void TestWireDecoding::secretsAreScrubbed()
{
    const QString secret = QStringLiteral("p+ss w&rd");
    const QString text = QStringLiteral("login p+ss w&rd failed, url ?password=")
        + QString::fromLatin1(QUrl::toPercentEncoding(secret));
    const QString scrubbed = scrubSecrets(text, { secret, QStringLiteral("ab") });
    QVERIFY(!scrubbed.contains(secret));
    QVERIFY(!scrubbed.contains(QString::fromLatin1(QUrl::toPercentEncoding(secret))));
    QVERIFY(scrubbed.contains(QStringLiteral("failed")));
}

QTEST_GUILESS_MAIN(TestWireDecoding)
#include "tst_wire_decoding.moc"
