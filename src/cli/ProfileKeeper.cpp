#include "ProfileKeeper.h"

#include "controlplane/ApiClient.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCli)

namespace zenml::cli {

using session::SecretStore;
using session::ServerProfile;
using session::Session;

namespace {

QString quoted(const QString& name)
{
    return QStringLiteral("“") + name + QStringLiteral("”");
}

} // namespace

ProfileKeeper::ProfileKeeper(session::ProfileStore* store, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_secrets(new SecretStore(this))
{
    if (!m_store) {
        m_ownStore = std::make_unique<session::ProfileStore>();
        m_store = m_ownStore.get();
    }
}

std::optional<QString> ProfileKeeper::apply(CliRequest* request)
{
    m_name = request->profile;
    if (m_name.isEmpty())
        return std::nullopt;
    m_profile = m_store->profile(m_name);

    if (!m_profile) {
        // Only login makes a profile, and logout has nothing to forget of one that is not there.
        if (request->command == Command::Login) {
            if (request->server.trimmed().isEmpty()) {
                return tr("there is no profile %1 yet; to create it, give --server URL (or "
                          "ZENML_SERVER) with this login.")
                    .arg(quoted(m_name));
            }
            QString problem;
            if (!controlplane::apiRootFromUserInput(request->server, &problem).isValid())
                return problem;
            return std::nullopt;
        }
        QStringList names;
        const QList<ServerProfile> all = m_store->profiles();
        for (const ServerProfile& profile : all)
            names << quoted(profile.name);
        return tr("there is no profile %1 (%2). Create it with: zenml-pro-admin login --profile "
                  "%3 --server URL [--remember]")
            .arg(quoted(m_name),
                names.isEmpty() ? tr("none is saved")
                                : tr("saved: %1").arg(names.join(QStringLiteral(", "))),
                m_name);
    }

    if (!m_profile->apiRoot.isValid())
        return tr("the profile %1 has no usable server address.").arg(quoted(m_name));
    // The command line's own --server and --username win; the environment's defaults do not
    // override a profile that was named on purpose.
    if (!request->serverOnCommandLine)
        request->server = m_profile->apiRoot.toString();
    if (!request->usernameOnCommandLine)
        request->username = m_profile->username;
    return std::nullopt;
}

Session::Method ProfileKeeper::method() const
{
    return m_profile ? m_profile->method : Session::Method::Password;
}

QString ProfileKeeper::secretKey(
    const QString& profileName, Session::Method method, const QString& username) const
{
    // The window stores a token under an empty username; both faces must agree on the key.
    return SecretStore::keyFor(
        profileName, method == Session::Method::Token ? QString() : username);
}

void ProfileKeeper::readSecret(
    const QString& username, QObject* context, SecretStore::Callback done)
{
    qCDebug(lcCli).noquote() << "reading the secret of profile" << m_name << "from the keychain";
    m_secrets->read(secretKey(m_name, method(), username), context, std::move(done));
}

void ProfileKeeper::rememberLogin(const QUrl& apiRoot, Session::Method method,
    const QString& username, const QString& secret, bool remember, bool allowPlainHttp,
    QObject* context, OutcomeCallback done)
{
    // Without --remember a profile is saved only when one was named: a bare login is a check.
    const QString name = !m_name.isEmpty() ? m_name : remember ? apiRoot.host() : QString();
    if (name.isEmpty()) {
        done({});
        return;
    }

    // Certificate decisions belong to the server they were made for: a profile that now points
    // elsewhere starts afresh, as in the window.
    const std::optional<ServerProfile> before = m_store->profile(name);
    ServerProfile profile;
    if (before && before->apiRoot == apiRoot)
        profile = *before;
    profile.name = name;
    profile.apiRoot = apiRoot;
    profile.method = method;
    profile.username = method == Session::Method::Password ? username : QString();
    profile.allowPlainHttp = profile.allowPlainHttp || allowPlainHttp;

    // A login without --remember does not take a decision back: a secret kept for the same
    // account stays remembered.
    using Choice = session::ProfileStore::SecretChoice;
    m_store->saveWithSecret(profile, secret, remember ? Choice::Store : Choice::Keep, *m_secrets,
        context, [done](const session::ProfileStore::SaveResult& saved) {
            Outcome outcome;
            outcome.profileName = saved.profile.name;
            outcome.secretRemembered = saved.profile.rememberSecret;
            outcome.problem = saved.problem;
            done(outcome);
        });
}

void ProfileKeeper::forget(
    const QString& username, bool removeProfile, QObject* context, OutcomeCallback done)
{
    if (!m_profile) {
        done({});
        return;
    }
    const QString key = secretKey(m_name, m_profile->method, username);
    // A profile that remembers nothing has nothing to lose when no keychain answers.
    const bool remembers = m_profile->rememberSecret;
    m_secrets->remove(
        key, context, [this, removeProfile, remembers, done](const SecretStore::Result& result) {
            Outcome outcome;
            outcome.profileName = m_name;
            const bool nothingThere
                = !remembers && result.status == SecretStore::Result::Status::Unavailable;
            outcome.secretForgotten = result.ok() || nothingThere;
            if (!outcome.secretForgotten)
                outcome.problem = result.message;
            if (removeProfile) {
                m_store->remove(m_name);
                outcome.profileRemoved = true;
            }
            qCInfo(lcCli).noquote() << "forgot the secret of profile" << m_name
                                    << (result.ok() ? "" : "(the keychain failed)")
                                    << (removeProfile ? "and removed the profile" : "");
            done(outcome);
        });
}

} // namespace zenml::cli
