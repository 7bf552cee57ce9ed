#include "ServerProfile.h"

#include "SecretStore.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSettings>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace zenml::session {

namespace {

const QString kProfilesGroup = QStringLiteral("profiles");

// Settings keys cannot hold '/' or '\\'; a profile name may.
QString groupFor(const QString& name)
{
    return kProfilesGroup % u'/' % QString::fromLatin1(QUrl::toPercentEncoding(name));
}

} // namespace

ProfileStore::ProfileStore(QSettings* settings)
    : m_settings(settings)
{
    if (!m_settings) {
        m_ownSettings = std::make_unique<QSettings>();
        m_settings = m_ownSettings.get();
    }
}

ProfileStore::~ProfileStore() = default;

QSettings& ProfileStore::settings() const
{
    return *m_settings;
}

QList<ServerProfile> ProfileStore::profiles() const
{
    QList<ServerProfile> result;
    settings().beginGroup(kProfilesGroup);
    const QStringList groups = settings().childGroups();
    settings().endGroup();
    for (const QString& group : groups) {
        if (auto found = profile(QUrl::fromPercentEncoding(group.toLatin1())))
            result << *found;
    }
    std::sort(result.begin(), result.end(), [](const ServerProfile& a, const ServerProfile& b) {
        return QString::localeAwareCompare(a.name, b.name) < 0;
    });
    return result;
}

std::optional<ServerProfile> ProfileStore::profile(const QString& name) const
{
    QSettings& s = settings();
    s.beginGroup(groupFor(name));
    const auto finish = [&s](std::optional<ServerProfile> value) {
        s.endGroup();
        return value;
    };
    if (!s.contains(QStringLiteral("apiRoot")))
        return finish(std::nullopt);

    ServerProfile p;
    p.name = name;
    p.apiRoot = QUrl(s.value(QStringLiteral("apiRoot")).toString(), QUrl::StrictMode);
    p.method = s.value(QStringLiteral("method")).toString() == QLatin1String("token")
        ? Session::Method::Token
        : Session::Method::Password;
    p.username = s.value(QStringLiteral("username")).toString();
    p.caBundlePath = s.value(QStringLiteral("caBundlePath")).toString();
    p.caBundlePem = s.value(QStringLiteral("caBundlePem")).toByteArray();
    p.trustedCertificateSha256 = s.value(QStringLiteral("trustedCertificateSha256")).toByteArray();
    p.allowPlainHttp = s.value(QStringLiteral("allowPlainHttp"), false).toBool();
    p.rememberSecret = s.value(QStringLiteral("rememberSecret"), false).toBool();
    return finish(p);
}

bool ProfileStore::isEmpty() const
{
    settings().beginGroup(kProfilesGroup);
    const bool empty = settings().childGroups().isEmpty();
    settings().endGroup();
    return empty;
}

void ProfileStore::save(const ServerProfile& p, const QString& previousName)
{
    if (!previousName.isEmpty() && previousName != p.name)
        remove(previousName);
    QSettings& s = settings();
    s.beginGroup(groupFor(p.name));
    s.setValue(QStringLiteral("apiRoot"), p.apiRoot.toString());
    s.setValue(QStringLiteral("method"),
        p.method == Session::Method::Token ? QStringLiteral("token") : QStringLiteral("password"));
    s.setValue(QStringLiteral("username"), p.username);
    s.setValue(QStringLiteral("caBundlePath"), p.caBundlePath);
    s.setValue(QStringLiteral("caBundlePem"), p.caBundlePem);
    s.setValue(QStringLiteral("trustedCertificateSha256"), p.trustedCertificateSha256);
    s.setValue(QStringLiteral("allowPlainHttp"), p.allowPlainHttp);
    s.setValue(QStringLiteral("rememberSecret"), p.rememberSecret);
    s.endGroup();
    s.sync();
}

void ProfileStore::saveWithSecret(const ServerProfile& profile, const QString& secret,
    SecretChoice choice, SecretStore& secrets, QObject* context, SaveCallback done)
{
    const QString name = profile.name;
    const QString key = SecretStore::keyFor(name, profile.username);
    const std::optional<ServerProfile> before = this->profile(name);
    const QString previousKey = before && before->rememberSecret
        ? SecretStore::keyFor(name, before->username)
        : QString();

    // Saved before the keychain answers, so that the profile is there whatever it says.
    SaveResult saved;
    saved.profile = profile;
    saved.profile.rememberSecret
        = choice == SecretChoice::Store || (choice == SecretChoice::Keep && previousKey == key);
    save(saved.profile);
    setLastUsed(name);
    qCInfo(lcSession).noquote() << "saved the profile" << name
                                << (choice == SecretChoice::Store ? "and stores its secret"
                                                                  : "without storing a secret");

    // No secret may outlive its use: the one kept for another account goes, and so does this
    // account's when forgotten.
    const QString stale
        = !previousKey.isEmpty() && (choice == SecretChoice::Forget || previousKey != key)
        ? previousKey
        : QString();
    SecretStore* store = &secrets;
    const auto finish
        = [store, name, stale, guard = QPointer<QObject>(context), done](const SaveResult& result) {
              const auto answer = [guard, done, result] {
                  if (done && guard)
                      done(result);
              };
              if (stale.isEmpty()) {
                  answer();
                  return;
              }
              store->remove(stale, store, [name, answer](const SecretStore::Result& removed) {
                  if (!removed.ok())
                      qCWarning(lcSession).noquote() << "the old secret of the profile" << name
                                                     << "stays in the keychain:" << removed.message;
                  answer();
              });
          };
    if (choice != SecretChoice::Store) {
        finish(saved);
        return;
    }

    store->write(key, secret, store,
        [this, saved, sameAccount = previousKey == key, finish](
            const SecretStore::Result& written) {
            if (written.ok()) {
                finish(saved);
                return;
            }
            qCWarning(lcSession).noquote() << "the secret of the profile" << saved.profile.name
                                           << "was not stored in the keychain:" << written.message;
            SaveResult failed = saved;
            failed.problem = written.message;
            // What the keychain held for this account before is all it holds now.
            failed.profile.rememberSecret = sameAccount;
            if (!sameAccount && this->profile(saved.profile.name) == saved.profile)
                save(failed.profile);
            finish(failed);
        });
}

void ProfileStore::remove(const QString& name)
{
    settings().remove(groupFor(name));
    if (lastUsed() == name)
        settings().remove(QStringLiteral("lastProfile"));
    settings().sync();
}

QString ProfileStore::lastUsed() const
{
    return settings().value(QStringLiteral("lastProfile")).toString();
}

void ProfileStore::setLastUsed(const QString& name)
{
    settings().setValue(QStringLiteral("lastProfile"), name);
}

} // namespace zenml::session
