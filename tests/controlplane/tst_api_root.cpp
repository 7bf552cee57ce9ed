#include "controlplane/ApiClient.h"

#include <QTest>

using zenml::controlplane::apiRootFromUserInput;

class TestApiRoot final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalises_data();
    void normalises();
    void refuses_data();
    void refuses();
};

void TestApiRoot::normalises_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("root");

    QTest::newRow("bare host") << "zenml.example.com"
                               << "https://zenml.example.com/api/v1";
    QTest::newRow("host with slash") << "https://zenml.example.com/"
                                     << "https://zenml.example.com/api/v1";
    QTest::newRow("already the root") << "https://zenml.example.com/api/v1"
                                      << "https://zenml.example.com/api/v1";
    QTest::newRow("root with slash") << "https://zenml.example.com/api/v1/"
                                     << "https://zenml.example.com/api/v1";
    QTest::newRow("surrounding spaces") << "  zenml.example.com  "
                                        << "https://zenml.example.com/api/v1";
    QTest::newRow("http kept") << "http://127.0.0.1:8080"
                               << "http://127.0.0.1:8080/api/v1";
    QTest::newRow("port kept") << "zenml.example.com:8443"
                               << "https://zenml.example.com:8443/api/v1";
    QTest::newRow("localhost with port") << "localhost:8080"
                                         << "https://localhost:8080/api/v1";
    QTest::newRow("path prefix") << "https://host.example/zenml"
                                 << "https://host.example/zenml/api/v1";
    QTest::newRow("path prefix and root") << "https://host.example/zenml/api/v1/"
                                          << "https://host.example/zenml/api/v1";
    QTest::newRow("upper-case scheme and host") << "HTTPS://Host.Example"
                                                << "https://host.example/api/v1";
    QTest::newRow("ipv6") << "http://[::1]:9000/"
                          << "http://[::1]:9000/api/v1";
}

void TestApiRoot::normalises()
{
    QFETCH(QString, typed);
    QFETCH(QString, root);

    QString error = QStringLiteral("stale");
    const QUrl url = apiRootFromUserInput(typed, &error);
    QVERIFY2(url.isValid(), qPrintable(error));
    QCOMPARE(url.toString(), root);
    QVERIFY(error.isEmpty());
    // Normalising twice changes nothing.
    QCOMPARE(apiRootFromUserInput(url.toString()).toString(), root);
}

void TestApiRoot::refuses_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("reason");

    QTest::newRow("empty") << ""
                           << "Enter the server";
    QTest::newRow("only spaces") << "   "
                                 << "Enter the server";
    QTest::newRow("inner space") << "https://zen ml.example"
                                 << "spaces";
    QTest::newRow("tab") << "zenml\t.example"
                         << "spaces";
    QTest::newRow("ftp") << "ftp://zenml.example"
                         << "not supported";
    QTest::newRow("file") << "file:///etc/passwd"
                          << "not supported";
    QTest::newRow("no host") << "https:///api/v1"
                             << "";
    QTest::newRow("bad port") << "zenml.example:99999"
                              << "";
    QTest::newRow("credentials") << "https://admin:secret@zenml.example"
                                 << "never inside the address";
    QTest::newRow("query") << "https://zenml.example/?x=1"
                           << "\"?\"";
}

void TestApiRoot::refuses()
{
    QFETCH(QString, typed);
    QFETCH(QString, reason);

    QString error;
    QVERIFY(!apiRootFromUserInput(typed, &error).isValid());
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("secret")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestApiRoot)
#include "tst_api_root.moc"
