#include "Session.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcSession, "zenml.session", QtInfoMsg)

namespace zenml::session {

using controlplane::ApiError;
using controlplane::LoginResult;

Session::Session(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_client(new controlplane::ApiClient(network, this))
{ }

bool Session::isTokenExpired() const
{
    return m_tokenExpiresAt.isValid() && QDateTime::currentDateTimeUtc() >= m_tokenExpiresAt;
}

void Session::setReservedAdminUsername(const QString& username)
{
    m_reservedAdminUsername = username;
}

void Session::signIn(
    const QUrl& apiRoot, Method method, const QString& username, const QString& secret)
{
    const int attempt = ++m_attempt;
    m_signedIn = false;
    m_busy = true;
    m_currentUser = {};
    m_tokenExpiresAt = {};
    m_client->setApiRoot(apiRoot);
    m_client->setAccessToken({});

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
            m_signedIn = true;
            m_busy = false;
            qCInfo(lcSession).noquote()
                << "Signed in as" << user.username
                << (user.isSuperuser ? "(super-user)" : "(not a super-user)");
            Q_EMIT signedIn(m_currentUser);
        });
}

void Session::fail(const ApiError& error)
{
    m_client->setAccessToken({});
    m_tokenExpiresAt = {};
    m_busy = false;
    qCInfo(lcSession).noquote() << "Sign-in failed:" << error.message;
    Q_EMIT signInFailed(error);
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
    const bool wasSignedIn = m_signedIn;
    m_signedIn = false;
    m_busy = false;
    if (wasSignedIn)
        qCInfo(lcSession) << "Signed out";
    Q_EMIT signedOut();
}

} // namespace zenml::session
