#include "users/PasswordGenerator.h"

#include <QHash>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace zenml::users;
using Class = PasswordGenerator::CharacterClass;
using Classes = PasswordGenerator::CharacterClasses;

class TestPasswordGenerator final : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void generate_data();
    void generate();
    void symbolsNeedNoQuoting();
    void invalidConfiguration_data();
    void invalidConfiguration();
    void allDistinct();
    void uniform_data();
    void uniform();
};

void TestPasswordGenerator::defaults()
{
    const PasswordGenerator generator;
    QCOMPARE(generator.length(), 20);
    QCOMPARE(generator.classes(), PasswordGenerator::allClasses());
    QVERIFY(!generator.excludesLookAlikes());
    QVERIFY(generator.isValid());
    QCOMPARE(generator.errorString(), QString());
    QCOMPARE(generator.alphabet().size(), 26 + 26 + 10 + 28);
    QCOMPARE(generator.generate().size(), 20);
    // 20 characters from 90: well above 128 bits.
    QVERIFY(generator.entropyBits() > 128.0);
}

void TestPasswordGenerator::generate_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<Classes>("classes");
    QTest::addColumn<bool>("excludeLookAlikes");

    const Classes all = PasswordGenerator::allClasses();
    QTest::newRow("default") << 20 << all << false;
    QTest::newRow("minimum, all classes") << 8 << all << false;
    QTest::newRow("minimum, all classes, no look-alikes") << 8 << all << true;
    QTest::newRow("maximum") << 256 << all << false;
    QTest::newRow("maximum, no look-alikes") << 256 << all << true;
    QTest::newRow("lowercase only") << 12 << Classes(Class::Lowercase) << false;
    QTest::newRow("digits only") << 8 << Classes(Class::Digits) << false;
    QTest::newRow("digits only, no look-alikes") << 64 << Classes(Class::Digits) << true;
    QTest::newRow("symbols only") << 16 << Classes(Class::Symbols) << false;
    QTest::newRow("letters") << 24 << (Class::Lowercase | Class::Uppercase) << true;
    QTest::newRow("letters and digits") << 9 << (Class::Uppercase | Class::Digits) << false;
}

void TestPasswordGenerator::generate()
{
    QFETCH(int, length);
    QFETCH(Classes, classes);
    QFETCH(bool, excludeLookAlikes);

    const PasswordGenerator generator(length, classes, excludeLookAlikes);
    QVERIFY2(generator.isValid(), qPrintable(generator.errorString()));
    const QString alphabet = generator.alphabet();

    // Every draw is checked, many times over, so that a rare missing class shows up.
    for (int round = 0; round < 200; ++round) {
        const QString password = generator.generate();
        QCOMPARE(password.size(), length);

        for (const QChar c : password) {
            QVERIFY2(alphabet.contains(c), qPrintable(QString(c)));
            if (excludeLookAlikes)
                QVERIFY2(!PasswordGenerator::lookAlikes().contains(c), qPrintable(QString(c)));
        }

        for (const Class characterClass :
            { Class::Lowercase, Class::Uppercase, Class::Digits, Class::Symbols }) {
            const QString members = PasswordGenerator::characters(characterClass);
            const bool present = std::any_of(
                password.cbegin(), password.cend(), [&](QChar c) { return members.contains(c); });
            QCOMPARE(present, classes.testFlag(characterClass));
        }
    }
}

void TestPasswordGenerator::symbolsNeedNoQuoting()
{
    // Printable ASCII, and none of the characters a terminal or JSON string would mangle.
    const QString symbols = PasswordGenerator::characters(Class::Symbols);
    QCOMPARE(symbols, QStringLiteral("!#$%&()*+,-./:;<=>?@[]^_{|}~"));
    for (const QChar c : symbols) {
        QVERIFY(c.unicode() > 0x20 && c.unicode() < 0x7f);
        QVERIFY(!QStringLiteral(" \"'\\`").contains(c));
    }

    const QString withoutLookAlikes = PasswordGenerator::characters(Class::Symbols, true);
    QVERIFY(!withoutLookAlikes.contains(QLatin1Char('|')));
    for (const QChar c : { u'0', u'O', u'o', u'1', u'l', u'I' }) {
        QVERIFY(!PasswordGenerator::characters(Class::Lowercase, true).contains(c));
        QVERIFY(!PasswordGenerator::characters(Class::Uppercase, true).contains(c));
        QVERIFY(!PasswordGenerator::characters(Class::Digits, true).contains(c));
    }
}

void TestPasswordGenerator::invalidConfiguration_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<Classes>("classes");
    QTest::addColumn<QString>("error");

    const Classes all = PasswordGenerator::allClasses();
    QTest::newRow("no classes") << 20 << Classes()
                                << QStringLiteral(
                                       "Choose at least one kind of character for the password.");
    QTest::newRow("too short") << 7 << all
                               << QStringLiteral(
                                      "A generated password must be at least 8 characters long.");
    QTest::newRow("zero") << 0 << all
                          << QStringLiteral(
                                 "A generated password must be at least 8 characters long.");
    QTest::newRow("negative") << -1 << all
                              << QStringLiteral(
                                     "A generated password must be at least 8 characters long.");
    QTest::newRow("too long") << 257 << all
                              << QStringLiteral(
                                     "A generated password can be at most 256 characters long.");
}

void TestPasswordGenerator::invalidConfiguration()
{
    QFETCH(int, length);
    QFETCH(Classes, classes);
    QFETCH(QString, error);

    PasswordGenerator generator;
    generator.setLength(length);
    generator.setClasses(classes);
    QVERIFY(!generator.isValid());
    QCOMPARE(generator.errorString(), error);
    QCOMPARE(generator.generate(), QString());
    QCOMPARE(generator.entropyBits(), 0.0);
}

void TestPasswordGenerator::allDistinct()
{
    const PasswordGenerator generator;
    QSet<QString> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(generator.generate());
    QCOMPARE(seen.size(), 1000);
}

void TestPasswordGenerator::uniform_data()
{
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("excludeLookAlikes");

    // Long passwords almost never miss a class, so the frequencies are those of a plain
    // uniform draw. At the default length, drawing again when a class is missing lifts
    // the digits by about a tenth: still well inside the bound.
    QTest::newRow("length 256") << 256 << false;
    QTest::newRow("length 256, no look-alikes") << 256 << true;
    QTest::newRow("default length") << 20 << false;
}

void TestPasswordGenerator::uniform()
{
    QFETCH(int, length);
    QFETCH(bool, excludeLookAlikes);

    const PasswordGenerator generator(length, PasswordGenerator::allClasses(), excludeLookAlikes);
    const QString alphabet = generator.alphabet();

    // About 200,000 characters: each expected ~2,200 times with a standard deviation near
    // 47, so ±25 % is more than ten deviations away and cannot fail by chance.
    constexpr int total = 200'000;
    const int passwords = (total + length - 1) / length;
    QHash<QChar, int> counts;
    for (int i = 0; i < passwords; ++i) {
        for (const QChar c : generator.generate())
            ++counts[c];
    }

    const double expected = double(passwords) * length / alphabet.size();
    QCOMPARE(counts.size(), alphabet.size());
    for (const QChar c : alphabet) {
        const int count = counts.value(c);
        QVERIFY2(count > expected * 0.75 && count < expected * 1.25,
            qPrintable(QStringLiteral("%1 drawn %2 times, expected about %3")
                           .arg(c)
                           .arg(count)
                           .arg(expected)));
    }
}

QTEST_GUILESS_MAIN(TestPasswordGenerator)
#include "tst_password_generator.moc"
