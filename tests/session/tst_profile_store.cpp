// ProfileStore::saveWithSecret, the one place that saves a profile with its secret, for the
// sign-in dialog, the set-up wizard and `login`: against a real Secret Service (gnome-keyring in
// a private D-Bus session, see with-secret-service.sh), and again without any session bus, where
// the keychain fails and the profile must stay saved.

#include "support/ProfileStores.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using zenml::session::ProfileStore;
using zenml::session::SecretStore;
using zenml::session::ServerProfile;
using zenml::session::Session;
using Choice = ProfileStore::SecretChoice;
using Status = SecretStore::Result::Status;

Q_DECLARE_METATYPE(ProfileStore::SecretChoice)

namespace {

const char* const kNeedsKeyring
    = "no Secret Service: run through tests/session/with-secret-service.sh";
const char* const kNeedsNoBus = "runs in the variant of this test without a session bus";

// A profile with every field set, so that a field lost on the way shows.
ServerProfile profileFor(const QString& name, const QString& username)
{
    ServerProfile profile;
    profile.name = name;
    profile.apiRoot = QUrl(QStringLiteral("https://zenml.example.com/api/v1"));
    profile.method = username.isEmpty() ? Session::Method::Token : Session::Method::Password;
    profile.username = username;
    profile.caBundlePath = QStringLiteral("/etc/ssl/internal-ca.pem");
    profile.caBundlePem = QByteArrayLiteral("-----BEGIN CERTIFICATE-----\nMIIB\n");
    profile.trustedCertificateSha256 = QByteArrayLiteral("ab12cd34");
    profile.allowPlainHttp = true;
    return profile;
}

} // namespace

class TestProfileStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void profileIsSavedBeforeTheKeychainAnswers();
    void nothingToForgetAnswersAtOnce();

    void storedSecretReadsBack();
    void forgetRemovesTheSecretKept();
    void keepLeavesTheSameAccountsSecret();
    void anotherAccountDropsTheOldSecret_data();
    void anotherAccountDropsTheOldSecret();
    void keychainWorkGoesOnWithoutTheCaller();

    void keychainFailureKeepsTheProfile_data();
    void keychainFailureKeepsTheProfile();

private:
    std::optional<ProfileStore::SaveResult> save(
        const ServerProfile& profile, const QString& secret, Choice choice);
    std::optional<SecretStore::Result> read(const QString& key);
    QString uniqueName() const;

    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStores> m_stores;
    bool m_haveKeyring = false;
};

void TestProfileStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_haveKeyring = qEnvironmentVariableIsSet("ZENML_TEST_SECRET_SERVICE");
}

void TestProfileStore::init()
{
    m_stores = std::make_unique<ProfileStores>(m_dir);
}

void TestProfileStore::cleanup()
{
    m_stores.reset();
}

std::optional<ProfileStore::SaveResult> TestProfileStore::save(
    const ServerProfile& profile, const QString& secret, Choice choice)
{
    QObject context;
    std::optional<ProfileStore::SaveResult> result;
    m_stores->profiles.saveWithSecret(profile, secret, choice, m_stores->secrets, &context,
        [&result](const ProfileStore::SaveResult& saved) { result = saved; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 20000);
    return result;
}

std::optional<SecretStore::Result> TestProfileStore::read(const QString& key)
{
    QObject context;
    std::optional<SecretStore::Result> result;
    m_stores->secrets.read(key, &context, [&result](const SecretStore::Result& r) { result = r; });
    (void)QTest::qWaitFor([&] { return result.has_value(); }, 20000);
    return result;
}

// The keychain of one run is shared by all its tests: each uses profiles of its own.
QString TestProfileStore::uniqueName() const
{
    QString name = QString::fromLatin1(QTest::currentTestFunction());
    if (const char* tag = QTest::currentDataTag())
        name += QLatin1Char(' ') + QString::fromLatin1(tag);
    return name;
}

// The wizard's Finish and the dialog's closing go on at once: the profile must be there before
// the keychain has said anything.
void TestProfileStore::profileIsSavedBeforeTheKeychainAnswers()
{
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    QObject context;
    bool answered = false;
    m_stores->profiles.saveWithSecret(profile, QStringLiteral("pw"), Choice::Store,
        m_stores->secrets, &context,
        [&answered](const ProfileStore::SaveResult&) { answered = true; });
    QVERIFY(!answered);
    const auto saved = m_stores->profiles.profile(profile.name);
    QVERIFY(saved);
    QCOMPARE(saved->username, QStringLiteral("alice"));
    QCOMPARE(m_stores->profiles.lastUsed(), profile.name);
    QTRY_VERIFY_WITH_TIMEOUT(answered, 20000);
}

// A profile that never remembered a secret, saved without one: no keychain is asked, so no
// missing keychain can delay or spoil it.
void TestProfileStore::nothingToForgetAnswersAtOnce()
{
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    for (const Choice choice : { Choice::Forget, Choice::Keep }) {
        QObject context;
        std::optional<ProfileStore::SaveResult> result;
        m_stores->profiles.saveWithSecret(profile, {}, choice, m_stores->secrets, &context,
            [&result](const ProfileStore::SaveResult& saved) { result = saved; });
        QVERIFY(result);
        QCOMPARE(result->problem, QString());
        QVERIFY(!result->profile.rememberSecret);
        QCOMPARE(m_stores->profiles.profile(profile.name), result->profile);
    }
}

void TestProfileStore::storedSecretReadsBack()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    const auto result = save(profile, QStringLiteral("s3cret"), Choice::Store);
    QVERIFY(result);
    QVERIFY2(result->problem.isEmpty(), qPrintable(result->problem));

    // Every field as given; remembering the secret is what the keychain did.
    ServerProfile expected = profile;
    expected.rememberSecret = true;
    QCOMPARE(result->profile, expected);
    QCOMPARE(m_stores->profiles.profile(profile.name), expected);
    QCOMPARE(m_stores->profiles.lastUsed(), profile.name);

    const auto secret = read(SecretStore::keyFor(profile.name, QStringLiteral("alice")));
    QVERIFY(secret);
    QVERIFY2(secret->ok(), qPrintable(secret->message));
    QCOMPARE(secret->secret, QStringLiteral("s3cret"));
}

void TestProfileStore::forgetRemovesTheSecretKept()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    const QString key = SecretStore::keyFor(profile.name, QStringLiteral("alice"));
    QVERIFY(save(profile, QStringLiteral("s3cret"), Choice::Store));
    QVERIFY(read(key)->ok());

    const auto result = save(profile, {}, Choice::Forget);
    QVERIFY(result);
    QCOMPARE(result->problem, QString());
    QVERIFY(!result->profile.rememberSecret);
    QVERIFY(!m_stores->profiles.profile(profile.name)->rememberSecret);
    QCOMPARE(read(key)->status, Status::NotFound);
}

// `login --profile P` without --remember takes no decision back.
void TestProfileStore::keepLeavesTheSameAccountsSecret()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    QVERIFY(save(profile, QStringLiteral("s3cret"), Choice::Store));

    const auto result = save(profile, QStringLiteral("typed this time"), Choice::Keep);
    QVERIFY(result);
    QVERIFY(result->profile.rememberSecret);
    QVERIFY(m_stores->profiles.profile(profile.name)->rememberSecret);
    const auto secret = read(SecretStore::keyFor(profile.name, QStringLiteral("alice")));
    QVERIFY(secret && secret->ok());
    QCOMPARE(secret->secret, QStringLiteral("s3cret"));
}

void TestProfileStore::anotherAccountDropsTheOldSecret_data()
{
    QTest::addColumn<QString>("username"); // the profile's account from now on; "" a token
    QTest::addColumn<Choice>("choice");
    QTest::addColumn<bool>("remembered");

    QTest::newRow("store bob's") << QStringLiteral("bob") << Choice::Store << true;
    QTest::newRow("keep (login without --remember)")
        << QStringLiteral("bob") << Choice::Keep << false;
    QTest::newRow("forget") << QStringLiteral("bob") << Choice::Forget << false;
    QTest::newRow("store a token") << QString() << Choice::Store << true;
}

// The same profile, now for another account (or a token): alice's secret must not stay behind
// under a key nothing reads any more.
void TestProfileStore::anotherAccountDropsTheOldSecret()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    QFETCH(QString, username);
    QFETCH(Choice, choice);
    QFETCH(bool, remembered);
    const QString name = uniqueName();
    const QString aliceKey = SecretStore::keyFor(name, QStringLiteral("alice"));
    const QString newKey = SecretStore::keyFor(name, username);
    QVERIFY(
        save(profileFor(name, QStringLiteral("alice")), QStringLiteral("alice's"), Choice::Store));
    QVERIFY(read(aliceKey)->ok());

    const auto result = save(profileFor(name, username), QStringLiteral("new one"), choice);
    QVERIFY(result);
    QVERIFY2(result->problem.isEmpty(), qPrintable(result->problem));
    QCOMPARE(result->profile.username, username);
    QCOMPARE(result->profile.rememberSecret, remembered);
    QCOMPARE(m_stores->profiles.profile(name)->rememberSecret, remembered);

    QCOMPARE(read(aliceKey)->status, Status::NotFound);
    const auto current = read(newKey);
    QVERIFY(current);
    if (remembered)
        QCOMPARE(current->secret, QStringLiteral("new one"));
    else
        QCOMPARE(current->status, Status::NotFound);
}

// The wizard closes on Finish, before the keychain answers: the secret is stored all the same,
// and the closed caller is not called back.
void TestProfileStore::keychainWorkGoesOnWithoutTheCaller()
{
    if (!m_haveKeyring)
        QSKIP(kNeedsKeyring);
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    auto* context = new QObject;
    bool called = false;
    m_stores->profiles.saveWithSecret(profile, QStringLiteral("s3cret"), Choice::Store,
        m_stores->secrets, context, [&called](const ProfileStore::SaveResult&) { called = true; });
    delete context;

    const QString key = SecretStore::keyFor(profile.name, QStringLiteral("alice"));
    QTRY_VERIFY_WITH_TIMEOUT(read(key)->ok(), 20000);
    QCOMPARE(read(key)->secret, QStringLiteral("s3cret"));
    QVERIFY(!called);
}

void TestProfileStore::keychainFailureKeepsTheProfile_data()
{
    QTest::addColumn<QString>("keptFor"); // whose secret the profile remembered so far
    QTest::addColumn<bool>("remembered");

    QTest::newRow("nothing kept before") << QString() << false;
    // The keychain still holds what it held for this account; nothing says it lost it.
    QTest::newRow("kept for the same account") << QStringLiteral("alice") << true;
    QTest::newRow("kept for another account") << QStringLiteral("bob") << false;
}

// CASES.md 7: no session bus. The profile is saved with all its fields, it does not claim a
// secret the keychain does not hold, and the answer says why within the keychain's timeout.
void TestProfileStore::keychainFailureKeepsTheProfile()
{
    if (m_haveKeyring)
        QSKIP(kNeedsNoBus);
    QFETCH(QString, keptFor);
    QFETCH(bool, remembered);
    const ServerProfile profile = profileFor(uniqueName(), QStringLiteral("alice"));
    if (!keptFor.isEmpty()) {
        ServerProfile before = profileFor(profile.name, keptFor);
        before.rememberSecret = true;
        m_stores->profiles.save(before);
    }

    const auto result = save(profile, QStringLiteral("s3cret"), Choice::Store);
    QVERIFY(result);
    QVERIFY2(!result->problem.isEmpty(), "a keychain failure must say why");
    QVERIFY2(!result->problem.contains(QStringLiteral("s3cret")), qPrintable(result->problem));
    ServerProfile expected = profile;
    expected.rememberSecret = remembered;
    QCOMPARE(result->profile, expected);
    QCOMPARE(m_stores->profiles.profile(profile.name), expected);
    QCOMPARE(m_stores->profiles.lastUsed(), profile.name);
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profile_store.moc"
