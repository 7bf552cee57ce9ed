#include "sandbox/PasswordHasher.h"

#include <QTest>

using zenml::sandbox::PasswordHasher;

class TestPasswordHasher final : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void saltMakesEveryHashDifferent();
    void keepsItsRoundCount();
    void rejectsMalformedHashes_data();
    void rejectsMalformedHashes();
    void constantTimeEquals();
};

void TestPasswordHasher::roundTrip_data()
{
    QTest::addColumn<QString>("password");
    QTest::newRow("plain") << "initial-password";
    QTest::newRow("special") << "p@ss w+rd&=%é😀";
    QTest::newRow("single space") << " ";
    QTest::newRow("dollar signs") << "$pbkdf2-sha256$1$$";
}

void TestPasswordHasher::roundTrip()
{
    QFETCH(QString, password);
    const QString hash = PasswordHasher::hash(password, 1000);
    QVERIFY(hash.startsWith(u"pbkdf2-sha256$1000$"));
    QVERIFY(!hash.contains(password));
    QVERIFY(PasswordHasher::verify(password, hash));
    QVERIFY(!PasswordHasher::verify(password + u'x', hash));
    QVERIFY(!PasswordHasher::verify(password.toUpper() + u'!', hash));
    QVERIFY(!PasswordHasher::verify(QString(), hash));
}

void TestPasswordHasher::saltMakesEveryHashDifferent()
{
    const QString first = PasswordHasher::hash(QStringLiteral("same"), 1000);
    const QString second = PasswordHasher::hash(QStringLiteral("same"), 1000);
    QVERIFY(first != second);
    QVERIFY(PasswordHasher::verify(QStringLiteral("same"), first));
    QVERIFY(PasswordHasher::verify(QStringLiteral("same"), second));
}

void TestPasswordHasher::keepsItsRoundCount()
{
    // A hash made with another round count still verifies: the count travels with it.
    const QString hash = PasswordHasher::hash(QStringLiteral("pw"), 3);
    QVERIFY(hash.startsWith(u"pbkdf2-sha256$3$"));
    QVERIFY(PasswordHasher::verify(QStringLiteral("pw"), hash));
    QString tampered = hash;
    tampered.replace(u"$3$"_qs, u"$4$"_qs);
    QVERIFY(!PasswordHasher::verify(QStringLiteral("pw"), tampered));
}

void TestPasswordHasher::rejectsMalformedHashes_data()
{
    QTest::addColumn<QString>("encoded");
    QTest::newRow("empty") << "";
    QTest::newRow("plain text") << "pw";
    QTest::newRow("other scheme") << "bcrypt$10$abc$def";
    QTest::newRow("no rounds") << "pbkdf2-sha256$$c2FsdA==$a2V5";
    QTest::newRow("zero rounds") << "pbkdf2-sha256$0$c2FsdA==$a2V5";
    QTest::newRow("too few parts") << "pbkdf2-sha256$1000$c2FsdA==";
}

void TestPasswordHasher::rejectsMalformedHashes()
{
    QFETCH(QString, encoded);
    QVERIFY(!PasswordHasher::verify(QStringLiteral("pw"), encoded));
}

void TestPasswordHasher::constantTimeEquals()
{
    QVERIFY(PasswordHasher::constantTimeEquals("abc", "abc"));
    QVERIFY(PasswordHasher::constantTimeEquals({}, {}));
    QVERIFY(!PasswordHasher::constantTimeEquals("abc", "abd"));
    QVERIFY(!PasswordHasher::constantTimeEquals("abc", "abcd"));
    QVERIFY(!PasswordHasher::constantTimeEquals("abc", {}));
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_sandbox_passwordhasher.moc"
