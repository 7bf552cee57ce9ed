#pragma once

#include "sandbox/ApiRequest.h"
#include "sandbox/ApiResponse.h"

#include <QAbstractHttpServer>

#include <functional>

namespace zenml::sandbox {

// Turns every HTTP request into an ApiRequest for one handler and writes its answer.
// It does its own dispatching instead of QHttpServer's router, so that every path,
// method and percent-encoding reaches the control plane's FastAPI-style answers.
class HttpFrontend final : public QAbstractHttpServer
{
public:
    using Handler = std::function<ApiResponse(const ApiRequest&)>;

    explicit HttpFrontend(Handler handler, QObject* parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    Handler m_handler;
};

} // namespace zenml::sandbox
