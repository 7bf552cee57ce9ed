#include "ServerProfile.h"

#include <QSettings>

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
