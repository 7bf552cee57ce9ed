#include "sandbox/ApiRequest.h"

#include <QTest>

using zenml::sandbox::ApiRequest;

class TestApiRequest final : public QObject
{
    Q_OBJECT

private slots:
    void decodeForm_data();
    void decodeForm();
    void firstOfRepeatedKeysWins();
    void splitPath_data();
    void splitPath();
};

void TestApiRequest::decodeForm_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QString>("password");
    QTest::newRow("plain") << QByteArray("username=a&password=secret") << "secret";
    QTest::newRow("plus is space") << QByteArray("password=a+b") << "a b";
    QTest::newRow("encoded plus") << QByteArray("password=a%2Bb") << "a+b";
    const QByteArray special = "password=p%40ss%20w%2Brd%26%3D%25%C3%A9%F0%9F%98%80";
    QTest::newRow("everything encoded") << special << "p@ss w+rd&=%é😀";
    QTest::newRow("raw utf-8") << QByteArray("password=\xc3\xa9\xf0\x9f\x98\x80") << "é😀";
    QTest::newRow("raw at and slash") << QByteArray("password=a@b/c?d") << "a@b/c?d";
    QTest::newRow("equals inside") << QByteArray("password=a%3Db=c") << "a=b=c";
    QTest::newRow("percent twenty literal") << QByteArray("password=%2520") << "%20";
    QTest::newRow("empty") << QByteArray("username=x&password=") << "";
    QTest::newRow("blank oauth fields")
        << QByteArray("grant_type=&username=admin&password=pw&client_id=&client_secret=") << "pw";
}

void TestApiRequest::decodeForm()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QString, password);
    const auto pairs = ApiRequest::decodeForm(encoded);
    const std::optional<QString> value = ApiRequest::value(pairs, QStringLiteral("password"));
    QVERIFY(value.has_value());
    QCOMPARE(*value, password);
}

void TestApiRequest::firstOfRepeatedKeysWins()
{
    const auto pairs = ApiRequest::decodeForm("a=1&a=2");
    QCOMPARE(
        ApiRequest::value(pairs, QStringLiteral("a")).value_or(QString()), QStringLiteral("1"));
    QVERIFY(!ApiRequest::value(pairs, QStringLiteral("b")).has_value());
}

void TestApiRequest::splitPath_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QStringList>("segments");
    QTest::newRow("users") << QByteArray("/api/v1/users") << QStringList { "api", "v1", "users" };
    QTest::newRow("trailing slash")
        << QByteArray("/api/v1/users/") << QStringList { "api", "v1", "users" };
    QTest::newRow("encoded email") << QByteArray("/api/v1/users/a%40b.example")
                                   << QStringList { "api", "v1", "users", "a@b.example" };
    QTest::newRow("encoded slash stays inside")
        << QByteArray("/api/v1/users/a%2Fb") << QStringList { "api", "v1", "users", "a/b" };
}

void TestApiRequest::splitPath()
{
    QFETCH(QByteArray, path);
    QFETCH(QStringList, segments);
    QCOMPARE(ApiRequest::splitPath(path), segments);
}

QTEST_GUILESS_MAIN(TestApiRequest)
#include "tst_sandbox_apirequest.moc"
