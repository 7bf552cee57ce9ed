#include "Session.h"

#include <QHostAddress>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSession, "zenml.session", QtInfoMsg)

namespace zenml::session {

using controlplane::ApiError;
using controlplane::LoginResult;

Session::Session(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_client(new controlplane::ApiClient(network, this))
{
    m_client->setReauthenticator(
        [this](std::function<void(bool)> done) { reauthenticate(std::move(done)); });
}

// The token ran out or was revoked. The secret of this session is still in memory, so the
// administrator is not asked again; what they typed in a dialog stays where it is, and the
// refused request is sent once more by the client.
void Session::reauthenticate(std::function<void(bool)> done)
{
    if (!m_signedIn || m_secret.isEmpty()) {
        done(false);
        return;
    }
    const int attempt = m_attempt;
    const QString username = m_method == Method::Password ? m_username : QString();
    qCInfo(lcSession) << "The server refused the token; signing in again";
    m_client->setAccessToken({});
    m_client->login(username, m_secret, this,
        [this, attempt, done = std::move(done)](const LoginResult& result, const ApiError& error) {
            if (attempt != m_attempt) {
                done(false);
                return;
            }
            if (error) {
                qCInfo(lcSession).noquote() << "Signing in again failed:" << error.message;
                done(false);
                signOut();
                Q_EMIT sessionExpired(
                    tr("The session ended and signing in again failed: %1").arg(error.message));
                return;
            }
            m_client->setAccessToken(result.accessToken);
            m_tokenExpiresAt = result.expiresAt;
            done(true);
        });
}

bool Session::isTokenExpired() const
{
    return m_tokenExpiresAt.isValid() && QDateTime::currentDateTimeUtc() >= m_tokenExpiresAt;
}

void Session::setReservedAdminUsername(const QString& username)
{
    m_reservedAdminUsername = username;
}

bool Session::isLoopback(const QUrl& url)
{
    const QString host = url.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

void Session::signIn(
    const QUrl& apiRoot, Method method, const QString& username, const QString& secret)
{
    const int attempt = ++m_attempt;
    m_signedIn = false;
    m_busy = true;
    m_currentUser = {};
    m_tokenExpiresAt = {};
    m_passwordChange = PasswordChange::None;
    m_method = method;
    m_username = username;
    m_secret = secret;
    m_client->setApiRoot(apiRoot);
    m_client->setAccessToken({});

    // Nothing, not even the password, goes unencrypted over a network without consent.
    if (apiRoot.scheme() == QLatin1String("http") && !isLoopback(apiRoot)
        && !m_plainHttpConfirmed) {
        ApiError refused;
        refused.kind = ApiError::Kind::Tls;
        refused.message = tr("%1 is not encrypted (http://), so the password would cross the "
                             "network readable by anyone on the way. Use https://, or confirm "
                             "plain http for this server in its profile.")
                              .arg(apiRoot.host());
        QMetaObject::invokeMethod(
            this,
            [this, attempt, refused] {
                if (attempt == m_attempt)
                    fail(refused);
            },
            Qt::QueuedConnection);
        return;
    }

    if (method == Method::Password) {
        qCInfo(lcSession).noquote()
            << "Signing in to" << apiRoot.toDisplayString() << "as" << username;
        exchangeAndFetch(attempt, username, secret);
        return;
    }

    // A personal access token may work as a bearer token directly; an API key may have to
    // be exchanged first. Try the direct way, and exchange once if it is refused.
    qCInfo(lcSession).noquote() << "Signing in to" << apiRoot.toDisplayString() << "with a token";
    m_client->setAccessToken(secret);
    fetchCurrentUser(attempt, /*tokenMayBeExchanged=*/true, secret);
}

void Session::exchangeAndFetch(int attempt, const QString& username, const QString& secret)
{
    m_client->login(
        username, secret, this, [this, attempt](const LoginResult& result, const ApiError& error) {
            if (attempt != m_attempt)
                return;
            if (error.kind == ApiError::Kind::Forbidden
                && error.message.contains(QLatin1String("expired"), Qt::CaseInsensitive)) {
                m_passwordChange = PasswordChange::ThroughLogin;
                requirePasswordChange(attempt, m_username);
                return;
            }
            if (error) {
                fail(error);
                return;
            }
            m_client->setAccessToken(result.accessToken);
            m_tokenExpiresAt = result.expiresAt;
            fetchCurrentUser(attempt, /*tokenMayBeExchanged=*/false, {});
        });
}

void Session::fetchCurrentUser(int attempt, bool tokenMayBeExchanged, const QString& secret)
{
    m_client->fetchCurrentUser(this,
        [this, attempt, tokenMayBeExchanged, secret](
            const users::User& user, const ApiError& error) {
            if (attempt != m_attempt)
                return;
            if (error.kind == ApiError::Kind::Unauthorized && tokenMayBeExchanged) {
                qCInfo(lcSession) << "The token was refused as a bearer token; exchanging it";
                m_client->setAccessToken({});
                exchangeAndFetch(attempt, QString(), secret);
                return;
            }
            if (error) {
                fail(error);
                return;
            }
            m_currentUser = user;
            if (user.passwordExpired && m_method == Method::Password && m_enforcePasswordChange) {
                m_passwordChange = PasswordChange::ThroughProfile;
                requirePasswordChange(attempt, user.username);
                return;
            }
            finishSignIn(user);
        });
}

void Session::finishSignIn(const users::User& user)
{
    m_currentUser = user;
    m_passwordChange = PasswordChange::None;
    m_signedIn = true;
    m_busy = false;
    qCInfo(lcSession).noquote() << "Signed in as" << user.username
                                << (user.isSuperuser ? "(super-user)" : "(not a super-user)");
    Q_EMIT signedIn(m_currentUser);
}

void Session::requirePasswordChange(int attempt, const QString& username)
{
    if (attempt != m_attempt)
        return;
    m_busy = false;
    qCInfo(lcSession).noquote() << "The password of" << username << "has expired; a new one "
                                << "is needed before anything else";
    Q_EMIT passwordChangeRequired(username);
}

void Session::changeExpiredPassword(const QString& newPassword)
{
    const int attempt = m_attempt;
    m_busy = true;
    const auto failed = [this, attempt](const ApiError& error) {
        if (attempt != m_attempt)
            return;
        m_busy = false;
        qCInfo(lcSession).noquote() << "Setting the new password failed:" << error.message;
        Q_EMIT passwordChangeFailed(error);
    };

    if (m_passwordChange == PasswordChange::ThroughLogin) {
        m_client->loginWithNewPassword(m_username, m_secret, newPassword, this,
            [this, attempt, newPassword, failed](const LoginResult& result, const ApiError& error) {
                if (attempt != m_attempt)
                    return;
                if (error) {
                    failed(error);
                    return;
                }
                m_secret = newPassword;
                m_client->setAccessToken(result.accessToken);
                m_tokenExpiresAt = result.expiresAt;
                m_passwordChange = PasswordChange::None;
                fetchCurrentUser(attempt, /*tokenMayBeExchanged=*/false, {});
            });
        return;
    }

    controlplane::UserPatch patch;
    patch.password = newPassword;
    m_client->updateCurrentUser(patch, this,
        [this, attempt, newPassword, failed](const users::User& user, const ApiError& error) {
            if (attempt != m_attempt)
                return;
            if (error) {
                failed(error);
                return;
            }
            m_secret = newPassword;
            // The server's own answer says whether it still wants a change.
            if (user.passwordExpired) {
                ApiError still;
                still.kind = ApiError::Kind::Validation;
                still.message = tr("The server still reports the password as expired.");
                failed(still);
                return;
            }
            finishSignIn(user);
        });
}

void Session::fail(const ApiError& error)
{
    m_client->setAccessToken({});
    m_tokenExpiresAt = {};
    m_busy = false;
    qCInfo(lcSession).noquote() << "Sign-in failed:" << error.message;

    // "host:port" typed without a scheme means https; a plain-http server on its own port then
    // just drops the connection, which says nothing of why.
    ApiError reported = error;
    const QUrl root = m_client->apiRoot();
    if (error.kind == ApiError::Kind::NotFound) {
        reported.message += u' '
            + tr("(Nothing answers sign-ins under %1: is this the address of a ZenML Pro control "
                 "plane? Its API is usually under https://HOST/api/v1.)")
                  .arg(root.toDisplayString());
    }
    if (error.kind == ApiError::Kind::Network && root.scheme() == QLatin1String("https")
        && root.port() > 0 && root.port() != 443) {
        reported.message += u' '
            + tr("(The address was tried as https://%1:%2. If this server speaks plain http, "
                 "start the address with http://.)")
                  .arg(root.host())
                  .arg(root.port());
    }
    Q_EMIT signInFailed(reported);
}

void Session::signOut()
{
    ++m_attempt;
    // Best effort: the token is forgotten here whatever the server answers.
    if (!m_client->accessToken().isEmpty()) {
        m_client->logout(this, [](const ApiError& error) {
            if (error)
                qCDebug(lcSession).noquote() << "Logout was not confirmed:" << error.message;
        });
    }
    m_client->setAccessToken({});
    m_tokenExpiresAt = {};
    m_currentUser = {};
    m_secret.clear();
    m_passwordChange = PasswordChange::None;
    const bool wasSignedIn = m_signedIn;
    m_signedIn = false;
    m_busy = false;
    if (wasSignedIn)
        qCInfo(lcSession) << "Signed out";
    Q_EMIT signedOut();
}

} // namespace zenml::session
