#pragma once

// What ApiClient and UserListJob share about one request and its judged answer. Private to
// src/controlplane.

#include "ApiClient.h"

#include <QLoggingCategory>
#include <QStringList>

#include <nlohmann/json.hpp>

Q_DECLARE_LOGGING_CATEGORY(lcApi)

namespace zenml::controlplane {

struct ApiClient::Request
{
    QByteArray verb;
    QByteArray encodedPath; // below the API root, percent-encoded
    QByteArray encodedQuery;
    QByteArray body;
    QByteArray contentType;
    bool withToken = true;
    bool expectJson = true;
    // With expectJson: false leaves the JSON body unparsed in Answer::body (its content type
    // checked), for a caller that parses it on a worker thread.
    bool parseJson = true;
    QStringList secrets; // masked in any message this request produces
    bool afterReauthentication = false; // sent again after a 401: never a second time
};

struct ApiClient::Answer
{
    ApiError error;
    nlohmann::json document; // null unless a JSON body was expected and arrived
    QByteArray body; // the unparsed JSON body, with Request::parseJson false
    int httpStatus = 0;
};

} // namespace zenml::controlplane
