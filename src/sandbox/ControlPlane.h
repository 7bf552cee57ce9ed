#pragma once

#include "sandbox/ApiRequest.h"
#include "sandbox/ApiResponse.h"
#include "sandbox/SandboxOptions.h"
#include "sandbox/UserRecord.h"

#include <QHash>

#include <optional>

namespace zenml::sandbox {

class UserStore;

// The control plane's user-management API and its rules, written from the API contract:
// authentication, the users endpoints, and who may do what to whom.
class ControlPlane final
{
public:
    ControlPlane(SandboxOptions options, UserStore& store);

    ApiResponse handle(const ApiRequest& request);

    // An API key is kept only as a hash, in memory; it acts as the given user.
    void addApiKey(const QString& key, const QString& userId);
    static QString generateApiKey();

    // Why a username is refused, or nothing: empty, too long, surrounding whitespace,
    // control or invisible formatting characters.
    static std::optional<QString> usernameProblem(const QString& username);

private:
    std::optional<UserRecord> authenticate(
        const ApiRequest& request, ApiResponse& failure, QByteArray* tokenHash = nullptr);
    ApiResponse login(const ApiRequest& request);
    ApiResponse loginWithApiKey(const QString& key);
    ApiResponse logout(const ApiRequest& request);
    ApiResponse issueToken(const UserRecord& user);
    ApiResponse listUsers(const ApiRequest& request);
    ApiResponse getUser(const ApiRequest& request, const QString& idOrEmail);
    ApiResponse createUser(const ApiRequest& request);
    ApiResponse updateUser(const ApiRequest& request, const QString& idOrMe);
    ApiResponse deleteUser(const ApiRequest& request, const QString& id);

    static bool canManageOthers(const UserRecord& user);
    static QByteArray tokenHash(const QString& token);
    static QString now();

    SandboxOptions m_options;
    UserStore& m_store;
    QHash<QByteArray, QString> m_apiKeys; // key hash -> user id
};

} // namespace zenml::sandbox
