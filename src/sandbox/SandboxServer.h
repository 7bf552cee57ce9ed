#pragma once

#include "sandbox/ApiRequest.h"
#include "sandbox/ApiResponse.h"
#include "sandbox/SandboxOptions.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <memory>

class QTcpServer;

namespace zenml::sandbox {

class ControlPlane;
class HttpFrontend;
class UserStore;

// A sandbox ZenML Pro control plane: the user-management API of control-plane-api.md over
// HTTP on loopback, backed by SQLite. Tests create it in-process; zenml-pro-sandbox wraps it.
class SandboxServer final : public QObject
{
    Q_OBJECT

public:
    explicit SandboxServer(SandboxOptions options = {}, QObject* parent = nullptr);
    ~SandboxServer() override;
    Q_DISABLE_COPY_MOVE(SandboxServer)

    // Opens the database, makes sure the reserved admin account exists with the configured
    // username and password, and seeds users into a database that has none yet.
    // listen() calls it when needed; false means errorString() explains.
    bool open();
    // port 0 picks a free port.
    bool listen(
        const QHostAddress& address = QHostAddress(QHostAddress::LocalHost), quint16 port = 0);
    bool isListening() const;
    QString errorString() const { return m_error; }

    quint16 port() const { return m_port; }
    // http://127.0.0.1:PORT/api/v1
    QUrl apiRoot() const;
    QString adminUsername() const { return m_adminUsername; }
    QString adminPassword() const { return m_adminPassword; }
    QString adminId() const { return m_adminId; }
    const SandboxOptions& options() const { return m_options; }

    // A fresh API key (ZENPROKEY_...) acting as the given user, the admin when userId is empty.
    QString createApiKey(const QString& userId = QString());

    // Faults apply in the order added (those of the options first); each is dropped once it
    // has been used up. Also reachable at run time: /_sandbox/faults (see faultSyntaxHelp()).
    void addFault(const SandboxFault& fault);
    void clearFaults();
    QList<SandboxFault> faults() const;

    // How many requests reached the HTTP layer, all or for one method and path below the API
    // root (e.g. "POST", "/auth/login"). Tests use it to prove that nothing was sent.
    int requestsServed() const { return m_served; }
    int requestsServed(const QByteArray& method, const QString& path) const
    {
        return m_servedByRoute.value(method + ' ' + path.toUtf8());
    }

private:
    bool prepareAdmin();
    ApiResponse respond(const ApiRequest& request);
    ApiResponse control(const ApiRequest& request);
    static void applyFault(
        const SandboxFault& fault, const ApiRequest& request, ApiResponse* response);

    SandboxOptions m_options;
    std::unique_ptr<UserStore> m_store;
    std::unique_ptr<ControlPlane> m_controlPlane;
    HttpFrontend* m_http = nullptr;
    QTcpServer* m_tcpServer = nullptr;
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_open = false;
    QString m_adminUsername;
    QString m_adminPassword;
    QString m_adminId;
    QString m_error;
    QList<SandboxFault> m_faults;
    int m_served = 0;
    QHash<QByteArray, int> m_servedByRoute;
    bool m_tls = false;
    QSslConfiguration m_sslConfiguration;
};

} // namespace zenml::sandbox
