#include "sandbox/UserJson.h"
#include "sandbox/UserSeeder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace zenml::sandbox;

namespace {

QJsonValue nullable(const QString& text)
{
    return text.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

// The user object as the sandbox built it before userJson() wrote it directly: userJson() must
// give exactly what QJsonDocument writes for this object.
QByteArray referenceJson(const UserRecord& user)
{
    QJsonObject object;
    object.insert(QStringLiteral("id"), user.id);
    object.insert(QStringLiteral("username"), user.username);
    object.insert(QStringLiteral("name"), nullable(user.name));
    object.insert(QStringLiteral("email"), nullable(user.email));
    object.insert(QStringLiteral("password"), QJsonValue::Null);
    object.insert(QStringLiteral("password_expired"), user.passwordExpired);
    object.insert(QStringLiteral("is_active"), user.isActive);
    object.insert(QStringLiteral("is_superuser"), user.isSuperuser || user.isAdmin);
    object.insert(QStringLiteral("is_service_account"), user.isServiceAccount);
    object.insert(QStringLiteral("oauth_provider"), nullable(user.oauthProvider));
    object.insert(QStringLiteral("oauth_id"), nullable(user.oauthId));
    object.insert(QStringLiteral("avatar_url"), nullable(user.avatarUrl));
    object.insert(QStringLiteral("company"), nullable(user.company));
    object.insert(QStringLiteral("job_title"), nullable(user.jobTitle));
    object.insert(QStringLiteral("metadata"), QJsonDocument::fromJson(user.metadata).object());
    object.insert(QStringLiteral("organization_id"), nullable(user.organizationId));
    object.insert(QStringLiteral("created"), user.created);
    object.insert(QStringLiteral("updated"), user.updated);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

UserRecord plainUser()
{
    UserRecord user;
    user.id = QStringLiteral("00000000-0000-4000-8000-000000000001");
    user.username = QStringLiteral("plain");
    user.created = QStringLiteral("2024-01-01T00:00:00.000Z");
    user.updated = user.created;
    return user;
}

QString fromUtf16(std::initializer_list<char16_t> units)
{
    return QString(reinterpret_cast<const QChar*>(std::data(units)), qsizetype(units.size()));
}

} // namespace

class TestUserJson final : public QObject
{
    Q_OBJECT

private slots:
    void seededUsers();
    void strings_data();
    void strings();
    void nullsAndEmptyStrings();
    void flags();
    void metadata_data();
    void metadata();
    void fingerprintIsStable();
};

// Every kind of account the seeder makes (local, SSO, service; names with accents).
void TestUserJson::seededUsers()
{
    for (const quint32 seed : { 1u, 2u, 3u }) {
        UserSeeder seeder(seed, QStringLiteral("hash"));
        for (int i = 0; i < 3000; ++i) {
            UserRecord user = seeder.next();
            user.isAdmin = i == 0;
            const QByteArray json = userJson(user);
            QCOMPARE(json, referenceJson(user));
        }
    }
}

void TestUserJson::strings_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString(u""_qs);
    QTest::newRow("ASCII") << u"Alice O'Brien <a/b> ~ 0x7f:\u007f"_qs;
    QTest::newRow("quote and backslash") << u"\"quoted\" back\\slash \\\" \\\\"_qs;
    QTest::newRow("short escapes") << u"\b\f\n\r\t"_qs;
    QString controls;
    for (char16_t c = 0; c < 0x20; ++c)
        controls += QChar(c);
    QTest::newRow("every control character") << controls;
    QTest::newRow("two-byte UTF-8") << u"Benoît Møller Wójcik ß"_qs;
    QTest::newRow("three-byte UTF-8") << u"中文 € \u0800 \u2028\u2029 \ufeff"_qs;
    QTest::newRow("non-characters") << fromUtf16({ 0xfdd0, 0xfffe, 0xffff });
    QTest::newRow("surrogate pair") << u"😀 \U0010ffff"_qs;
    QTest::newRow("lone high surrogate") << fromUtf16({ u'a', 0xd800, u'b' });
    QTest::newRow("lone high surrogate at the end") << fromUtf16({ u'a', 0xd83d });
    QTest::newRow("lone low surrogate") << fromUtf16({ 0xdc00, u'x' });
    QTest::newRow("two high surrogates, then a pair") << fromUtf16({ 0xd800, 0xd800, 0xdc00 });
    QTest::newRow("reversed pair") << fromUtf16({ 0xdc00, 0xd800 });
}

// Each string field escapes and encodes as QJsonDocument does.
void TestUserJson::strings()
{
    QFETCH(QString, text);
    UserRecord user = plainUser();
    user.username = text;
    user.name = text;
    user.email = text;
    user.oauthProvider = text;
    user.oauthId = text;
    user.avatarUrl = text;
    user.company = text;
    user.jobTitle = text;
    user.organizationId = text;
    user.id = text;
    user.created = text;
    user.updated = text;
    QCOMPARE(userJson(user), referenceJson(user));
}

void TestUserJson::nullsAndEmptyStrings()
{
    UserRecord user = plainUser();
    QCOMPARE(userJson(user), referenceJson(user));
    QVERIFY(userJson(user).contains("\"name\":null"));
    user.name = QStringLiteral("");
    user.email = QStringLiteral("");
    user.company = QStringLiteral("");
    QCOMPARE(userJson(user), referenceJson(user));
    QVERIFY(userJson(user).contains("\"name\":\"\""));
    // The non-nullable fields are strings even when null.
    user.id = QString();
    user.username = QString();
    user.created = QString();
    QCOMPARE(userJson(user), referenceJson(user));
}

void TestUserJson::flags()
{
    for (int bits = 0; bits < 32; ++bits) {
        UserRecord user = plainUser();
        user.passwordExpired = bits & 1;
        user.isActive = bits & 2;
        user.isSuperuser = bits & 4;
        user.isServiceAccount = bits & 8;
        user.isAdmin = bits & 16;
        QCOMPARE(userJson(user), referenceJson(user));
    }
}

void TestUserJson::metadata_data()
{
    QTest::addColumn<QByteArray>("metadata");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("spaced empty object") << QByteArray(" { } ");
    QTest::newRow("one string") << QByteArray(R"({"team":"vision"})");
    QTest::newRow("unsorted, nested, numbers")
        << QByteArray(R"({"z":1.5,"a":[1,2e300,-0,null,true],"m":{"y":"\u0001é","b":{}}})");
    QTest::newRow("large integers") << QByteArray(R"({"i":9007199254740993,"j":-12345678901})");
    QTest::newRow("an array") << QByteArray("[1,2]");
    QTest::newRow("not JSON") << QByteArray("{team");
    QTest::newRow("empty") << QByteArray();
}

// Whatever the column holds is shown as QJsonDocument shows it as an object.
void TestUserJson::metadata()
{
    QFETCH(QByteArray, metadata);
    UserRecord user = plainUser();
    user.metadata = metadata;
    QCOMPARE(userJson(user), referenceJson(user));
}

void TestUserJson::fingerprintIsStable()
{
    QCOMPARE(userJsonFingerprint(), userJsonFingerprint());
    QVERIFY(userJsonFingerprint().contains("\"is_superuser\":true"));
    QVERIFY(userJsonFingerprint().contains("\"name\":null"));
}

QTEST_GUILESS_MAIN(TestUserJson)
#include "tst_sandbox_userjson.moc"
