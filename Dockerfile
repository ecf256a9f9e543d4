FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
ENV PACT_DO_NOT_TRACK=true
EXPOSE 9292
CMD ["tether", "broker", "serve", "--host", "0.0.0.0", "--port", "9292"]
