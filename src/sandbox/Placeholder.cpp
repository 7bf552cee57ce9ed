namespace zenml::sandbox { }
